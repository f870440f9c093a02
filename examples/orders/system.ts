import { defineSystem } from '../../src/index.js';

const orderRef = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };

/**
 * Order fulfilment. `order.placed` starts the checkout flow: charge the card (a busy gateway is retried, a
 * declined card is not), review large orders, reserve stock line by line (a line out of stock is
 * back-ordered), notify the customer, then ship through the shipping sub-flow. When shipping fails, the
 * catch steps compensate: refund the charge, release the reserved stock and tell the customer.
 * The `order` process follows the order as customer service sees it.
 */
export default defineSystem({
  id: 'orders',
  name: 'Order fulfilment',
  version: '1.0.0',
  description: 'Orders from placement to shipment, with payment retries, back-orders and compensation',
  events: {
    'order.placed': {
      description: 'A customer placed an order',
      payload: {
        type: 'object',
        required: ['orderId', 'total', 'lines'],
        properties: {
          orderId: { type: 'string' },
          total: { type: 'number' },
          card: { type: 'string', description: 'The card number, as the payment form tokenised it' },
          address: {
            type: 'object',
            properties: { street: { type: 'string' }, city: { type: 'string' }, country: { type: 'string' } },
          },
          lines: {
            type: 'array',
            items: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'number' } } },
          },
        },
      },
    },
    'order.paid': {
      description: "The payment provider's webhook: the payment was authorised",
      payload: { type: 'object', properties: { orderId: { type: 'string' }, amount: { type: 'number' } } },
    },
    'order.shipped': { description: 'The carrier picked the parcel up', payload: orderRef },
    'order.refunded': {
      description: 'The payment provider refunded a charge',
      payload: { type: 'object', required: ['orderId', 'refundId'], properties: { orderId: { type: 'string' }, refundId: { type: 'string' } } },
    },
  },
  tasks: {
    chargeCard: {
      description: 'Charge the card through the payment gateway',
      input: {
        type: 'object',
        required: ['orderId', 'amount'],
        properties: { orderId: { type: 'string' }, amount: { type: 'number' }, card: { type: 'string' } },
      },
      output: { type: 'object', required: ['chargeId'], properties: { chargeId: { type: 'string' }, amount: { type: 'number' } } },
      retry: { maxAttempts: 3, initialDelay: '100ms', backoff: 'exponential', multiplier: 2, nonRetryable: ['CardDeclined'] },
      timeout: '10s',
      examples: [
        { input: { orderId: 'o-1', amount: 5, card: '4242424242424242' }, output: { chargeId: 'ch_o-1', amount: 5 } },
        { input: { orderId: 'o-2', amount: 5, card: '4000000000000002' }, error: { name: 'CardDeclined' }, description: 'a declined card is not retried' },
      ],
    },
    reviewOrder: { description: 'Fraud screening of large orders: records a risk score for the back office' },
    reserveLine: {
      description: 'Reserve stock for one order line',
      input: {
        type: 'object',
        required: ['orderId', 'sku', 'qty'],
        properties: { orderId: { type: 'string' }, sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
      },
      retry: { maxAttempts: 3, initialDelay: '500ms', backoff: 'fixed', nonRetryable: ['OutOfStock'] },
      timeout: '5s',
    },
    backorderLine: { description: 'Put a line that is out of stock on back-order' },
    releaseStock: { description: "Release every reservation an order holds", input: orderRef },
    sendEmail: { description: 'Tell the customer by email' },
    sendSms: { description: 'Tell the customer by text message' },
    bookShipment: {
      description: 'Book a parcel with the carrier',
      input: { type: 'object', required: ['orderId', 'address'], properties: { orderId: { type: 'string' }, address: { type: 'object' } } },
      output: { type: 'object', required: ['trackingId'], properties: { trackingId: { type: 'string' } } },
      retry: { maxAttempts: 4, initialDelay: '30s', backoff: 'exponential', maxDelay: '5m', nonRetryable: ['AddressRejected'] },
      timeout: '30s',
    },
    refundPayment: {
      description: 'Refund a charge',
      input: { type: 'object', required: ['orderId', 'chargeId'], properties: { orderId: { type: 'string' }, chargeId: { type: 'string' } } },
      output: { type: 'object', required: ['refundId'], properties: { refundId: { type: 'string' } } },
      retry: { maxAttempts: 5, initialDelay: '1s', backoff: 'exponential', maxDelay: '1m' },
    },
  },
  processes: {
    order: {
      description: 'The order as customer service sees it',
      initial: 'pending',
      context: { paid: false, amount: 0 },
      states: {
        pending: {
          on: {
            'order.paid': {
              target: 'paid',
              guard: 'event.amount > 0',
              actions: [{ type: 'assign', values: { paid: 'true', amount: 'event.amount' } }],
            },
            // Failures are events too: a declined checkout ends the order.
            'flow.failed': {
              target: 'declined',
              guard: 'event.flowId == "checkout" and event.error.name == "CardDeclined"',
              actions: [{ type: 'assign', values: { reason: 'event.error.message' } }],
            },
          },
        },
        paid: {
          on: {
            'order.shipped': 'shipped',
            'order.refunded': { target: 'refunded', actions: [{ type: 'assign', values: { paid: 'false', refundId: 'event.refundId' } }] },
          },
        },
        shipped: { type: 'final' },
        refunded: { type: 'final' },
        declined: { type: 'final' },
      },
    },
  },
  flows: {
    checkout: {
      description: 'Charge, review big orders, reserve each line, notify, then ship; refund and release when shipping fails',
      trigger: 'order.placed',
      steps: [
        { id: 'charge', type: 'task', task: 'chargeCard', input: '{ "orderId": input.orderId, "amount": input.total, "card": input.card }' },
        {
          id: 'big',
          type: 'condition',
          if: 'steps.charge.amount > 100',
          then: [{ id: 'review', type: 'task', task: 'reviewOrder', input: '{ "orderId": input.orderId, "total": input.total }' }],
          else: [],
        },
        {
          id: 'reserve',
          type: 'forEach',
          items: 'input.lines',
          concurrency: 2,
          steps: [
            {
              id: 'line',
              type: 'task',
              task: 'reserveLine',
              input: '{ "orderId": input.orderId, "sku": item.sku, "qty": item.qty }',
              catch: [
                {
                  id: 'backorder',
                  type: 'task',
                  task: 'backorderLine',
                  input: '{ "orderId": input.orderId, "sku": item.sku, "qty": item.qty, "reason": context.stepStatus.line.error.message }',
                },
              ],
            },
          ],
        },
        {
          id: 'notify',
          type: 'parallel',
          branches: [
            [{ id: 'email', type: 'task', task: 'sendEmail', input: '{ "orderId": input.orderId, "template": "order-confirmed" }', onError: 'continue' }],
            [{ id: 'sms', type: 'task', task: 'sendSms', input: '{ "orderId": input.orderId, "text": "Order " + input.orderId + " confirmed" }', onError: 'continue' }],
          ],
        },
        {
          id: 'ship',
          type: 'flow',
          flow: 'shipping',
          input: '{ "orderId": input.orderId, "address": coalesce(input.address, {}) }',
          // Compensation: give the money and the stock back, then say sorry.
          catch: [
            { id: 'refund', type: 'task', task: 'refundPayment', input: '{ "orderId": input.orderId, "chargeId": steps.charge.chargeId }' },
            { id: 'release', type: 'task', task: 'releaseStock', input: '{ "orderId": input.orderId }' },
            {
              id: 'apologise',
              type: 'task',
              task: 'sendEmail',
              input: '{ "orderId": input.orderId, "template": "order-cancelled", "reason": context.stepStatus.ship.error.message }',
              onError: 'continue',
            },
          ],
        },
      ],
      output:
        'exists(steps.refund) ' +
        '? { "orderId": input.orderId, "status": "refunded", "refundId": steps.refund.refundId, "reason": context.stepStatus.ship.error.message } ' +
        ': { "orderId": input.orderId, "chargeId": steps.charge.chargeId, "reserved": len(steps.reserve) }',
    },
    shipping: {
      description: 'Book the parcel, then wait for the carrier to pick it up',
      input: { type: 'object', required: ['orderId', 'address'], properties: { orderId: { type: 'string' }, address: { type: 'object' } } },
      steps: [
        { id: 'label', type: 'task', task: 'bookShipment' },
        { id: 'pickup', type: 'event', event: 'order.shipped', match: 'event.orderId == input.orderId', timeout: '2d' },
      ],
      output: '{ "trackingId": steps.label.trackingId }',
    },
  },
});
