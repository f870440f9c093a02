// The usage examples of the original Runtime Core README (the Public API block of DESIGN.md), as written.
import { describe, expect, it, vi } from 'vitest';
import { FlowStepType, ReactiveSystemRuntime, compileSystem, defineSystem } from '../../src/index.js';
import { createClock, settle } from '../support/time.js';

const system = defineSystem({
  id: 'orders',
  name: 'Orders',
  version: '1.0.0',
  tasks: { taskId: {}, task1: {}, reserveStock: {} },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: false },
      states: {
        pending: { on: { 'order.paid': { target: 'paid', guard: 'event.amount > 0' }, 'order.cancelled': 'cancelled' } },
        paid: { invoke: { task: 'reserveStock', onDone: 'ready', onError: 'failed' } },
        ready: {},
        failed: {},
        cancelled: { type: 'final' },
      },
    },
  },
  flows: {
    checkout: { steps: [{ id: 'charge', type: 'task', task: 'task1' }] },
  },
});

describe('the public API of DESIGN.md', () => {
  it('runs as written', async () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    const taskImpl = vi.fn(async (_input: unknown) => ({ result: 'success' }));
    runtime.registerTaskImplementation('taskId', taskImpl);
    runtime.registerTaskImplementations({ task1: async (_input: unknown) => ({ result: 'task1' }), reserveStock: async () => ({ ok: true }) });
    const r = await runtime.executeTask('taskId', { data: 'test' });
    expect(taskImpl).toHaveBeenCalledWith({ data: 'test' });
    expect(r.success).toBe(true);
    expect(r.output).toEqual({ result: 'success' });
    expect(r.error).toBeUndefined();
    expect(r.attempts).toBe(1);

    runtime.registerFlow({
      id: 'myFlow',
      name: 'My flow',
      steps: [
        { id: 'step1', name: 'Step 1', type: FlowStepType.TASK, taskId: 'taskId' },
        {
          id: 'check',
          type: FlowStepType.CONDITION,
          condition: (input: unknown, previousOutputs: Record<string, unknown>) =>
            (input as { data: string }).data === 'input' && previousOutputs.step1 !== undefined,
          thenSteps: [{ id: 'yes', type: FlowStepType.TASK, taskId: 'task1' }],
          elseSteps: [{ id: 'no', type: FlowStepType.TASK, taskId: 'taskId' }],
        },
        {
          id: 'both',
          type: FlowStepType.PARALLEL,
          parallelSteps: [
            { id: 'p1', type: FlowStepType.TASK, taskId: 'task1' },
            { id: 'p2', type: FlowStepType.TASK, taskId: 'taskId' },
          ],
        },
        { id: 'pause', type: FlowStepType.WAIT, waitTime: 0 },
        { id: 'last', type: FlowStepType.TASK, taskId: 'task1' },
      ],
    });
    const f = await runtime.executeFlow('myFlow', { data: 'input' });
    expect(f.success).toBe(true);
    expect(f.output).toEqual({ result: 'task1' });
    expect(f.steps.yes?.status).toBe('completed');
    expect(f.steps.no).toBeUndefined();
    expect(f.steps.both?.output).toEqual([{ result: 'task1' }, { result: 'success' }]);
    expect(taskImpl).toHaveBeenCalledTimes(3);
    expect(taskImpl).toHaveBeenLastCalledWith({ data: 'input' });

    const received: unknown[] = [];
    runtime.registerEventHandler('myEvent', (payload) => void received.push(payload));
    runtime.sendEvent('myEvent', { data: 'event data' });
    expect(received).toEqual([{ data: 'event data' }]);

    expect(runtime.getProcessState('order')).toBe('pending');
    runtime.sendEvent('order.paid', { processId: 'order', amount: 5 });
    runtime.createProcess('order', { instanceId: 'o-42', context: { paid: false } });
    runtime.sendEvent('order.paid', { instanceId: 'o-42', amount: 5 });
    await settle();
    expect(runtime.getProcessState('order')).toBe('ready');
    expect(runtime.getProcessState('order', 'o-42')).toBe('ready');

    const h = runtime.startFlow('checkout', { total: 1 });
    expect(typeof h.instanceId).toBe('string');
    expect(h.actor.getSnapshot().status).toBe('active');
    expect((await h.result()).output).toEqual({ result: 'task1' });
    const h2 = runtime.startFlow('checkout', {});
    h2.cancel();
    expect((await h2.result()).error?.name).toBe('CancelledError');

    const { flows, processes } = compileSystem(system);
    expect(Object.keys(flows)).toEqual(['checkout']);
    expect(Object.keys(processes)).toEqual(['order']);
    expect(processes.order?.id).toBe('order');
  });

  it('rejects an invalid system at construction with every problem listed', () => {
    expect(() => new ReactiveSystemRuntime({ id: 'x', flows: { f: { steps: [{ id: 'a', type: 'task', task: 'missing' }] } } } as never)).toThrow(
      expect.objectContaining({ name: 'SystemValidationError', code: 'SYSTEM_INVALID', message: expect.stringContaining('flows.f.steps[0].task') }),
    );
  });

  it('registerFlow rejects a flow that names an unknown task, and keeps the runtime usable', async () => {
    const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
    expect(() => runtime.registerFlow({ id: 'broken', steps: [{ id: 's', type: FlowStepType.TASK, taskId: 'ghost' }] })).toThrow(
      expect.objectContaining({ code: 'SYSTEM_INVALID', message: expect.stringContaining('Flow "broken" is invalid') }),
    );
    await expect(runtime.executeFlow('broken')).rejects.toMatchObject({ code: 'UNKNOWN_FLOW', message: expect.stringContaining('known flows: checkout') });
  });
});
