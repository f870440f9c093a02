// registerTaskImplementation for a task the system does not declare (issue 15): refused with UNKNOWN_TASK and a
// did-you-mean when the system declares tasks; accepted on a system that declares none (the original README's testing example).
import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock } from '../support/time.js';

const system = defineSystem({ id: 'orders', tasks: { chargeCard: {}, shipOrder: {}, refundCard: {} } });
const caught = (fn: () => void): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('registerTaskImplementation', () => {
  it('refuses a task the system does not declare: UNKNOWN_TASK, the closest declared id suggested, the declared ids listed', () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    const error = caught(() => runtime.registerTaskImplementation('chargCard', async () => ({})));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'UNKNOWN_TASK', kind: 'task', id: 'chargCard', available: ['chargeCard', 'shipOrder', 'refundCard'] });
    expect((error as Error).message).toBe(
      'Unknown task "chargCard" (did you mean "chargeCard"?) — a system that declares tasks takes implementations of those only; known tasks: chargeCard, shipOrder, refundCard',
    );
    expect(runtime.hasTask('chargCard')).toBe(false);
    runtime.stop();
  });

  it('says no more than the declared ids when none is close', () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    expect(() => runtime.registerTaskImplementation('sendInvoice', async () => ({}))).toThrow(
      'Unknown task "sendInvoice" — a system that declares tasks takes implementations of those only; known tasks: chargeCard, shipOrder, refundCard',
    );
    runtime.stop();
  });

  it('registerTaskImplementations registers all or nothing', async () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    const charge = vi.fn(async () => ({ charged: true }));
    expect(() => runtime.registerTaskImplementations({ chargeCard: charge, shipOrdr: async () => ({}) })).toThrow(/Unknown task "shipOrdr" \(did you mean "shipOrder"\?\)/);
    await expect(runtime.executeTask('chargeCard', {})).rejects.toMatchObject({ code: 'NO_IMPLEMENTATION' });
    runtime.registerTaskImplementations({ chargeCard: charge });
    await expect(runtime.executeTask('chargeCard', { amount: 5 })).resolves.toMatchObject({ success: true, output: { charged: true } });
    expect(charge).toHaveBeenCalledWith({ amount: 5 });
    runtime.stop();
  });

  it('still refuses an implementation that is not a function', () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    expect(() => runtime.registerTaskImplementation('chargeCard', 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'registerTaskImplementation("chargeCard", …) expects a function, got string' }),
    );
    runtime.stop();
  });

  it("accepts any id on a system that declares no tasks, as the original README's testing example does", async () => {
    const runtime = new ReactiveSystemRuntime({ id: 'bare' }, { clock: createClock() });
    const taskImpl = vi.fn(async () => ({ result: 'success' }));
    runtime.registerTaskImplementation('taskId', taskImpl);
    const result = await runtime.executeTask('taskId', { data: 'test' });
    expect(taskImpl).toHaveBeenCalledWith({ data: 'test' });
    expect(result).toEqual({ success: true, output: { result: 'success' }, attempts: 1 });
    runtime.stop();
  });
});
