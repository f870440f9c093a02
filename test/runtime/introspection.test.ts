// Runtime introspection as the original Runtime Core offers it (issue 15): getSystemId, getSystemVersion, hasProcess, hasTask.
import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock } from '../support/time.js';

const system = defineSystem({
  id: 'orders',
  version: '2.3.0',
  tasks: { chargeCard: {}, shipOrder: {} },
  processes: { order: { initial: 'pending', states: { pending: {} } } },
});

const runtimeOf = (document: Parameters<typeof defineSystem>[0]) => new ReactiveSystemRuntime(document, { clock: createClock() });

describe('runtime introspection', () => {
  it('names the system and its version', () => {
    const runtime = runtimeOf(system);
    expect(runtime.getSystemId()).toBe('orders');
    expect(runtime.getSystemVersion()).toBe('2.3.0');
    runtime.stop();
  });

  it("reports version '1.0.0' for a document without one", () => {
    const runtime = runtimeOf({ id: 'bare' });
    expect(runtime.getSystemVersion()).toBe('1.0.0');
    runtime.stop();
  });

  it('hasProcess: true for a declared process only', () => {
    const runtime = runtimeOf(system);
    expect(runtime.hasProcess('order')).toBe(true);
    expect(runtime.hasProcess('orders')).toBe(false);
    expect(runtime.hasProcess('toString')).toBe(false);
    runtime.stop();
  });

  it('hasTask: a declared task counts whether or not it is implemented', () => {
    const runtime = runtimeOf(system);
    expect(runtime.hasTask('chargeCard')).toBe(true);
    expect(runtime.hasTask('shipOrder')).toBe(true);
    runtime.registerTaskImplementation('chargeCard', async () => ({}));
    expect(runtime.hasTask('chargeCard')).toBe(true);
    expect(runtime.hasTask('refund')).toBe(false);
    expect(runtime.hasTask('toString')).toBe(false);
    runtime.stop();
  });

  it('hasTask: on a system that declares no tasks, a task counts once it is implemented', () => {
    const runtime = runtimeOf({ id: 'bare' });
    expect(runtime.hasTask('taskId')).toBe(false);
    runtime.registerTaskImplementation('taskId', async () => ({ result: 'success' }));
    expect(runtime.hasTask('taskId')).toBe(true);
    expect(runtime.hasTask('other')).toBe(false);
    runtime.stop();
  });
});
