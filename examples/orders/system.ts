import { defineSystem } from '../../src/index.js';

/** An order: placed → paid → shipped, with a checkout flow that charges, reserves, notifies and waits. */
export default defineSystem({
  id: 'orders',
  name: 'Orders',
  version: '1.0.0',
  description: 'Orders from placement to shipment',
  events: {
    'order.placed': {
      payload: {
        type: 'object',
        required: ['orderId', 'total', 'lines'],
        properties: {
          orderId: { type: 'string' },
          total: { type: 'number' },
          lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'number' } } } },
        },
      },
    },
    'order.paid': { payload: { type: 'object', properties: { orderId: { type: 'string' }, amount: { type: 'number' } } } },
    'order.shipped': { payload: { type: 'object', properties: { orderId: { type: 'string' } } } },
  },
  tasks: {
    chargeCard: {
      description: 'Charge the card',
      input: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
      output: { type: 'object', required: ['chargeId'], properties: { chargeId: { type: 'string' }, amount: { type: 'number' } } },
      retry: { maxAttempts: 3, initialDelay: '100ms', backoff: 'exponential', multiplier: 2, nonRetryable: ['CardDeclined'] },
      timeout: '2s',
      examples: [{ input: { amount: 5 }, output: { chargeId: 'ch_1', amount: 5 } }],
    },
    reviewOrder: { description: 'A person looks at large orders' },
    reserveLine: { description: 'Reserve stock for one order line', timeout: '1s' },
    sendEmail: { description: 'Tell the customer' },
    sendSms: { description: 'Tell the customer, shorter' },
  },
  processes: {
    order: {
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
          },
        },
        paid: { on: { 'order.shipped': 'shipped' } },
        shipped: { type: 'final' },
      },
    },
  },
  flows: {
    checkout: {
      description: 'Charge, review big orders, reserve each line, notify, then wait for shipment',
      trigger: 'order.placed',
      steps: [
        { id: 'charge', type: 'task', task: 'chargeCard', input: '{ "amount": input.total }' },
        {
          id: 'big',
          type: 'condition',
          if: 'steps.charge.amount > 100',
          then: [{ id: 'review', type: 'task', task: 'reviewOrder' }],
          else: [],
        },
        {
          id: 'reserve',
          type: 'forEach',
          items: 'input.lines',
          concurrency: 2,
          steps: [{ id: 'line', type: 'task', task: 'reserveLine', input: 'item' }],
        },
        {
          id: 'notify',
          type: 'parallel',
          branches: [
            [{ id: 'email', type: 'task', task: 'sendEmail', input: '{ "orderId": input.orderId }' }],
            [{ id: 'sms', type: 'task', task: 'sendSms', input: '{ "orderId": input.orderId }' }],
          ],
        },
        { id: 'shipped', type: 'event', event: 'order.shipped', match: 'event.orderId == input.orderId', timeout: '1m' },
      ],
      output: '{ "orderId": input.orderId, "chargeId": steps.charge.chargeId, "reserved": len(steps.reserve) }',
    },
  },
});
