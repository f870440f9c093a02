import { getTaskContext, type TaskImplementation } from '../../src/index.js';

let charges = 0;

/** Implementations of the orders system's tasks; the card processor fails once, to show a retry. */
export const tasks: Record<string, TaskImplementation> = {
  chargeCard: async (input: { amount: number }) => {
    const { attempt, idempotencyKey } = getTaskContext();
    if (++charges === 1) throw Object.assign(new Error('card processor busy'), { code: 'BUSY' });
    return { chargeId: `ch_${idempotencyKey.length}_${attempt}`, amount: input.amount };
  },
  reviewOrder: async () => ({ approved: true }),
  reserveLine: async (line: { sku: string; qty: number }) => ({ sku: line.sku, reserved: line.qty }),
  sendEmail: async (input: { orderId: string }) => ({ sent: `email about ${input.orderId}` }),
  sendSms: async (input: { orderId: string }) => ({ sent: `sms about ${input.orderId}` }),
};
