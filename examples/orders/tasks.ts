import { getTaskContext, type TaskImplementation } from '../../src/index.js';

/** An error a fake service throws: `name` is what retry policies and catch steps match on. */
function serviceError(name: string, message: string, code?: string): Error {
  return Object.assign(new Error(message), { name }, code === undefined ? {} : { code });
}

interface Charge {
  chargeId: string;
  orderId: string;
  amount: number;
  refundId?: string;
}

/**
 * A payment gateway. Its first request meets a cold start (`GatewayBusy`, retryable); cards starting with
 * 4000 are declined (`CardDeclined`, not retryable). A charge is stored under its idempotency key, so a
 * repeated attempt never charges twice.
 */
export class FakePaymentGateway {
  readonly charges = new Map<string, Charge>();
  private requests = 0;

  charge(input: { orderId: string; amount: number; card?: string }, idempotencyKey: string): Charge {
    if (++this.requests === 1) throw serviceError('GatewayBusy', 'card processor busy', 'BUSY');
    const known = this.charges.get(idempotencyKey);
    if (known) return known;
    if (input.card?.startsWith('4000')) throw serviceError('CardDeclined', `card ending ${input.card.slice(-4)} was declined`);
    const charge = { chargeId: `ch_${input.orderId}`, orderId: input.orderId, amount: input.amount };
    this.charges.set(idempotencyKey, charge);
    return charge;
  }

  refund(chargeId: string): Charge {
    const charge = [...this.charges.values()].find((c) => c.chargeId === chargeId);
    if (!charge) throw Object.assign(serviceError('ChargeNotFound', `no charge ${chargeId}`), { nonRetryable: true });
    charge.refundId ??= `re_${chargeId.slice(3)}`;
    return charge;
  }
}

/** A warehouse with a few products; reservations are held per order until shipped or released. */
export class FakeWarehouse {
  readonly stock = new Map<string, number>([['tea', 10], ['cup', 5], ['pot', 2], ['kettle', 0]]);
  readonly reservations = new Map<string, { sku: string; qty: number }[]>();
  readonly backorders: { orderId: string; sku: string; qty: number }[] = [];

  reserve(orderId: string, sku: string, qty: number): { sku: string; reserved: number } {
    const available = this.stock.get(sku) ?? 0;
    if (available < qty) throw serviceError('OutOfStock', `only ${available} of ${sku} left, ${qty} wanted`);
    this.stock.set(sku, available - qty);
    this.reservations.set(orderId, [...(this.reservations.get(orderId) ?? []), { sku, qty }]);
    return { sku, reserved: qty };
  }

  release(orderId: string): { sku: string; qty: number }[] {
    const lines = this.reservations.get(orderId) ?? [];
    for (const { sku, qty } of lines) this.stock.set(sku, (this.stock.get(sku) ?? 0) + qty);
    this.reservations.delete(orderId);
    return lines;
  }
}

/** A carrier that delivers to a handful of countries; any other address is rejected (`AddressRejected`, not retryable). */
export class FakeCarrier {
  static readonly countries = ['GB', 'IE', 'FR', 'DE', 'NL'];
  readonly parcels = new Map<string, string>();

  book(orderId: string, address: { country?: string }): { trackingId: string } {
    if (!address.country || !FakeCarrier.countries.includes(address.country)) {
      throw serviceError('AddressRejected', `we do not deliver to ${address.country ?? 'an address without a country'}`);
    }
    const trackingId = `trk_${orderId}`;
    this.parcels.set(orderId, trackingId);
    return { trackingId };
  }
}

/** The services behind the orders system, and the task implementations that call them. */
export function createOrderServices() {
  const gateway = new FakePaymentGateway();
  const warehouse = new FakeWarehouse();
  const carrier = new FakeCarrier();
  const outbox: { channel: 'email' | 'sms'; orderId: string; template?: string; text?: string }[] = [];

  const tasks: Record<string, TaskImplementation> = {
    chargeCard: async (input: { orderId: string; amount: number; card?: string }) => {
      const { idempotencyKey } = getTaskContext();
      const { chargeId, amount } = gateway.charge(input, idempotencyKey);
      return { chargeId, amount };
    },
    reviewOrder: async (input: { orderId: string; total: number }) => ({ orderId: input.orderId, risk: input.total > 1_000 ? 'high' : 'low' }),
    reserveLine: async (line: { orderId: string; sku: string; qty: number }) => warehouse.reserve(line.orderId, line.sku, line.qty),
    backorderLine: async (line: { orderId: string; sku: string; qty: number; reason: string }) => {
      warehouse.backorders.push({ orderId: line.orderId, sku: line.sku, qty: line.qty });
      return { sku: line.sku, backordered: line.qty, reason: line.reason };
    },
    releaseStock: async (input: { orderId: string }) => ({ released: warehouse.release(input.orderId) }),
    sendEmail: async (input: { orderId: string; template: string }) => {
      outbox.push({ channel: 'email', orderId: input.orderId, template: input.template });
      return { sent: `email about ${input.orderId}` };
    },
    sendSms: async (input: { orderId: string; text: string }) => {
      outbox.push({ channel: 'sms', orderId: input.orderId, text: input.text });
      return { sent: `sms about ${input.orderId}` };
    },
    bookShipment: async (input: { orderId: string; address: { country?: string } }) => carrier.book(input.orderId, input.address),
    refundPayment: async (input: { orderId: string; chargeId: string }) => {
      const { refundId = '' } = gateway.refund(input.chargeId);
      // The gateway's webhook: the order process learns of the refund.
      getTaskContext().emit('order.refunded', { orderId: input.orderId, refundId });
      return { refundId };
    },
  };
  return { tasks, gateway, warehouse, carrier, outbox };
}

/** Implementations of the orders system's tasks, over one set of fake services. */
export const tasks: Record<string, TaskImplementation> = createOrderServices().tasks;
