import type { SystemDefinition } from '../dsl/schema.js';
import { RuntimeCoreError } from '../errors.js';
import type { SnapshotStore } from '../persistence/store.js';
import type { TaskImplementation } from '../runtime/task-runner.js';
import { DurableSession } from './durable-session.js';
import { formatRecovery, formatState } from './instance-view.js';
import type { CliIo } from './io.js';
import { watchSteps } from './progress.js';

export interface StoredRunOptions {
  system: SystemDefinition;
  store: SnapshotStore;
  tasks: Record<string, TaskImplementation>;
  flowId: string;
  input: unknown;
  instanceId: string | undefined;
  timeoutMs: number | undefined;
  json: boolean;
  io: CliIo;
}

/**
 * `run --store`: recovers the store, starts the flow as a durable instance and runs until it finishes or
 * settles (waits for an event, a timer due after the timeout, or a task with no implementation here). A flow
 * that has not finished is not cancelled: it stays stored, for `send` and `resume`.
 */
export async function runStoredFlow(options: StoredRunOptions): Promise<number> {
  const { io, flowId, json } = options;
  const session = new DurableSession({ system: options.system, store: options.store, tasks: options.tasks, io });
  try {
    io.err(formatRecovery(await session.start(), session.store.description));
    if (options.instanceId !== undefined && (await session.store.load(options.instanceId))) {
      throw new RuntimeCoreError('DUPLICATE_INSTANCE', `An instance with id "${options.instanceId}" is already in ${session.store.description}`);
    }
    const handle = session.runtime.startFlow(flowId, options.input, options.instanceId === undefined ? {} : { instanceId: options.instanceId });
    const stop = io.interactive && !json ? watchSteps(handle.actor, io.err) : () => undefined;
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const settled = await session.settle(deadline, () => [handle.instanceId]);
    stop();
    const where = `it stays stored in ${session.store.description}`;
    if (session.finished(handle.instanceId)) {
      const result = await handle.result();
      if (json) io.out(JSON.stringify(result, null, 2));
      else if (result.success) io.out(`✓ flow ${flowId} succeeded (instance ${handle.instanceId})\n${JSON.stringify(result.output, null, 2) ?? 'undefined'}`);
      else io.out(`✗ flow ${flowId} failed at step ${result.error?.step ?? '?'} (instance ${handle.instanceId}): ${result.error?.name}: ${result.error?.message}`);
      return result.success ? 0 : 1;
    }
    const state = formatState(session.states().get(handle.instanceId)?.value);
    const parked = [...session.parked.values()].filter((p) => p.instanceId === handle.instanceId || p.instanceId.startsWith(`${handle.instanceId}/`));
    if (json) {
      io.out(JSON.stringify({ instanceId: handle.instanceId, flowId, status: 'running', state, settled, parked }, null, 2));
    } else if (parked.length > 0) {
      const tasks = [...new Set(parked.map((p) => `"${p.taskId}"`))].join(', ');
      io.out(`⏸ flow ${flowId} (instance ${handle.instanceId}) waits for task ${tasks}, which has no implementation here; ${where}: finish it with runtime-core resume <file> --tasks <module>`);
    } else if (!settled) {
      io.out(`⏸ flow ${flowId} (instance ${handle.instanceId}) is still running at ${state} after ${options.timeoutMs}ms; ${where}: finish it with runtime-core resume`);
    } else {
      io.out(`⏸ flow ${flowId} (instance ${handle.instanceId}) is waiting at ${state}; ${where}`);
    }
    return parked.length > 0 || !settled ? 1 : 0;
  } finally {
    await session.close();
  }
}
