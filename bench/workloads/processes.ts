// Workloads 5 and 6: many idle process instances (heap per instance), and events addressed to them.
import { assign, createActor, createMachine, type Actor, type AnyStateMachine } from 'xstate';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';

/** A population of `waiter` instances, each `idle` until `go`, counting the `ping`s it receives. */
export interface ProcessPopulation {
  /** Creates one instance per id. */
  create(ids: readonly string[]): void;
  /** Sends `ping` to one instance, addressed by its id. */
  ping(instanceId: string): void;
  /** Sum of every instance's ping counter: the check that each event was delivered. */
  pingsReceived(): number;
  stop(): void;
}

/** The `waiter` process of workloads 5 and 6. */
export const waiterSystem = defineSystem({
  id: 'bench-processes',
  processes: {
    waiter: {
      initial: 'idle',
      context: { count: 0 },
      states: {
        idle: { on: { go: 'done', ping: { actions: [{ type: 'assign', values: { count: 'context.count + 1' } }] } } },
        done: {},
      },
    },
  },
});

/** runtime-core: `createProcess('waiter', { instanceId })`, `sendEvent('ping', { instanceId })`. */
function runtimeCorePopulation(): ProcessPopulation {
  const runtime = new ReactiveSystemRuntime(waiterSystem);
  const ids: string[] = [];
  // The default instance takes one event first, so lazily built parts are not counted per instance.
  runtime.sendEvent('ping', { processId: 'waiter' });
  return {
    create: (list) => {
      for (const instanceId of list) ids.push(runtime.createProcess('waiter', { instanceId }));
    },
    ping: (instanceId) => runtime.sendEvent('ping', { instanceId }),
    pingsReceived: () => ids.reduce((sum, id) => sum + (runtime.getProcessContext('waiter', id).count as number), 0),
    stop: () => runtime.stop(),
  };
}

interface WaiterContext {
  count: number;
}

/** The same two-state machine written by hand. */
export const waiterMachine = createMachine({
  types: { context: {} as WaiterContext },
  context: { count: 0 },
  initial: 'idle',
  states: {
    idle: { on: { go: 'done', ping: { actions: assign({ count: ({ context }) => context.count + 1 }) } } },
    done: {},
  },
});

/** Hand-written XState: `createActor(machine, { id }).start()` kept in a Map by id, `actor.send({ type: 'ping' })`. */
function xstatePopulation(): ProcessPopulation {
  const actors = new Map<string, Actor<AnyStateMachine>>();
  const warm = createActor(waiterMachine).start();
  warm.send({ type: 'ping' });
  warm.stop();
  return {
    create: (list) => {
      for (const id of list) actors.set(id, createActor(waiterMachine as AnyStateMachine, { id }).start());
    },
    ping: (instanceId) => actors.get(instanceId)?.send({ type: 'ping' }),
    pingsReceived: () => [...actors.values()].reduce((sum, actor) => sum + (actor.getSnapshot().context as WaiterContext).count, 0),
    stop: () => {
      for (const actor of actors.values()) actor.stop();
      actors.clear();
    },
  };
}

export const PROCESS_IMPLEMENTATIONS = ['runtime-core', 'xstate'] as const;
export type ProcessImplementation = (typeof PROCESS_IMPLEMENTATIONS)[number];

export const populations: Record<ProcessImplementation, () => ProcessPopulation> = {
  'runtime-core': runtimeCorePopulation,
  xstate: xstatePopulation,
};
