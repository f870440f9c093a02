import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { compileSystemDefinitions, type SystemMachineDefinitions } from '../../compiler/system.js';
import { toSerializedError } from '../failure.js';
import type { SnapshotStore } from '../persistence/store.js';
import type { ReactiveSystemRuntime } from '../runtime/runtime.js';
import type { GraphSource } from './graph.js';
import { InstanceTracker } from './instance-tracker.js';
import { layoutMachine } from './layout.js';
import type { ClientMessage, DefinitionKind, DefinitionSummary, ServerMessage } from './page/protocol.js';
import { forwardToStately, startInspectorServer } from './server.js';
import { StoredInstances } from './stored-instances.js';
import { renderSvg } from './svg.js';

export interface InspectorOptions {
  /** Port to listen on, on 127.0.0.1 only; 0 picks a free one (read it from `url`). @default 0 */
  port?: number;
  /**
   * Also forward every inspection event to Stately's inspector through this WebSocket, in the format of
   * `@statelyai/inspect` (`ws://localhost:8080` for `@statelyai/inspect/server`). Reconnects while it is down. @default none
   */
  forwardTo?: string;
  /** Events kept per instance in the event log; older ones are dropped. @default 500 */
  maxEvents?: number;
  /** Finished instances kept on the list; the oldest ones are dropped. @default 100 */
  maxFinished?: number;
  /** The time of events and step starts and ends, in ms. Pass `() => clock.now()` to show a SimulatedClock's time. @default Date.now */
  now?: () => number;
  /**
   * Also list the instances this store holds (`openStore('./runtime.db')`, usually the runtime's own store), with
   * their stored status, version and times; a selected one shows its stored history, and one that does not run
   * here shows its state and steps from the stored snapshot. The inspector reads the store and never closes it;
   * `createInspector` rejects when the first read fails.
   * @default none
   */
  store?: SnapshotStore;
  /** How often the store's instances are read again, in ms. @default 2000 */
  storeRefreshMs?: number;
  /** Stored instances listed: the most recently updated. @default 100 */
  maxStored?: number;
}

/** A live statechart inspector: a web page on 127.0.0.1 fed by XState's inspection events. */
export interface Inspector {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  /** Hand it to the runtime: `new ReactiveSystemRuntime(system, { inspect: inspector.inspect })`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** Lets the page list the runtime's flows and processes and send events to its instances. Returns a function that detaches it. */
  attach(runtime: ReactiveSystemRuntime): () => void;
  /** Disconnects the pages, stops forwarding and stops listening. */
  close(): Promise<void>;
}

/** Starts an inspector; its `inspect` goes to the runtime's `inspect` option, then `attach(runtime)`. */
export async function createInspector(options: InspectorOptions = {}): Promise<Inspector> {
  const { port = 0, forwardTo, maxEvents = 500, maxFinished = 100, now = Date.now, store, storeRefreshMs = 2000, maxStored = 100 } = options;
  let runtime: ReactiveSystemRuntime | undefined;
  let compiled: SystemMachineDefinitions | undefined;
  let closed = false;
  let warned = false;
  /** The machine of each definition's latest instance, by key: flows registered in code are only known this way. */
  const machines = new Map<string, AnyStateMachine>();
  const diagrams = new WeakMap<GraphSource, Promise<string>>();
  // Called only once the server below is up: tracker events start with the runtime, attach comes after.
  const broadcast = (message: ServerMessage) => server.broadcast(withStored(message));
  const stored =
    store === undefined
      ? undefined
      : new StoredInstances({ store, limit: maxStored, maxHistory: maxEvents, changed: (message) => server.broadcast(message), live: (id) => tracker.summary(id) });
  /** A live instance's messages carry what the store holds of it; one the tracker drops stays listed while the store holds it. */
  const withStored = (message: ServerMessage): ServerMessage => {
    if (!stored) return message;
    if (message.type === 'instance') return { ...message, instance: stored.decorate(message.instance) };
    if (message.type === 'removed') {
      const entry = stored.stored(message.instanceId);
      return entry ? { type: 'instance', instance: entry } : message;
    }
    return message;
  };

  /** A definition of the attached runtime's system, by key (`flow:checkout`), as compiled JSON. */
  const compiledSource = (key: string): GraphSource | undefined => {
    const { kind, id } = splitKey(key);
    return kind === 'flow' ? compiled?.flows.get(id) : kind === 'process' ? compiled?.processes.get(id) : compiled?.tasks.get(id);
  };

  const systemMessage = (): ServerMessage => {
    const system = runtime?.system;
    const definitions = new Map<string, DefinitionSummary>();
    const add = (key: string, config: unknown) => definitions.set(key, { key, ...splitKey(key), events: listenedEvents(config) });
    for (const [id, definition] of compiled?.processes ?? []) add(`process:${id}`, definition.config);
    for (const [id, definition] of compiled?.flows ?? []) add(`flow:${id}`, definition.config);
    for (const [key, machine] of machines) if (!definitions.has(key)) add(key, machine.config);
    const summary = system ? { id: system.id, ...(system.name ? { name: system.name } : {}), version: system.version } : null;
    return { type: 'system', system: summary, definitions: [...definitions.values()] };
  };

  const tracker = new InstanceTracker({ maxEvents, maxFinished, now }, broadcast, (key, machine) => {
    const known = machines.has(key) || (!key.startsWith('task:') && compiledSource(key) !== undefined);
    machines.set(key, machine);
    if (!known) broadcast(systemMessage());
  });
  const forwarder = forwardTo === undefined ? undefined : forwardToStately(forwardTo);

  const server = await startInspectorServer(port, {
    welcome: () => {
      const live = tracker.summaries();
      const instances = stored ? [...stored.storedOnly(), ...live.map((summary) => stored.decorate(summary))] : live;
      return [systemMessage(), { type: 'instances', instances }];
    },
    async receive(message: ClientMessage): Promise<ServerMessage[]> {
      if (message.type === 'select') {
        const live = tracker.detail(message.instanceId);
        const detail = stored ? await stored.detail(message.instanceId, live) : live;
        return [detail ?? { type: 'error', message: `No instance "${message.instanceId}"` }];
      }
      const { requestId, instanceId, event, payload } = message;
      if (!runtime) return [{ type: 'sent', requestId, ok: false, error: { name: 'InspectorError', message: 'No runtime is attached: call inspector.attach(runtime)' } }];
      try {
        runtime.sendEvent(event, payload, { instanceId });
        return [{ type: 'sent', requestId, ok: true }];
      } catch (error) {
        return [{ type: 'sent', requestId, ok: false, error: toSerializedError(error) }];
      }
    },
    diagram(key) {
      const source = machines.get(key) ?? compiledSource(key);
      if (!source) return Promise.resolve(undefined);
      let svg = diagrams.get(source);
      if (!svg) {
        svg = layoutMachine(source).then((graph) => renderSvg(graph));
        diagrams.set(source, svg);
        svg.catch(() => diagrams.delete(source));
      }
      return svg;
    },
  });

  // The store is read once before the inspector is handed out, then again every storeRefreshMs.
  let refreshTimer: NodeJS.Timeout | undefined;
  const refresh = async (strict: boolean) => {
    await stored?.refresh(strict);
    if (closed || !stored) return;
    refreshTimer = setTimeout(() => void refresh(false), storeRefreshMs);
    refreshTimer.unref();
  };
  try {
    await refresh(true);
  } catch (error) {
    await server.close();
    throw error;
  }

  return {
    url: server.url,
    port: server.port,
    inspect(event) {
      if (closed) return;
      // An inspector failure must never reach the actor that reported the event.
      try {
        tracker.observe(event);
        forwarder?.inspect(event);
      } catch (error) {
        if (!warned) console.warn('[runtime-core] inspector: could not record an inspection event', error);
        warned = true;
      }
    },
    attach(target) {
      runtime = target;
      compiled = compileSystemDefinitions(target.system);
      broadcast(systemMessage());
      return () => {
        if (runtime !== target) return;
        runtime = undefined;
        compiled = undefined;
        broadcast(systemMessage());
      };
    },
    async close() {
      closed = true;
      clearTimeout(refreshTimer);
      forwarder?.close();
      await server.close();
    },
  };
}

/** `flow:checkout` → `{ kind: 'flow', id: 'checkout' }`; keys name the catalog's machines the same way. */
function splitKey(key: string): { kind: DefinitionKind; id: string } {
  const at = key.indexOf(':');
  return { kind: key.slice(0, at) as DefinitionKind, id: key.slice(at + 1) };
}

/** Event types a machine config listens for, internal ones left out. */
function listenedEvents(config: unknown, into = new Set<string>()): string[] {
  const node = config as { on?: Record<string, unknown>; states?: Record<string, unknown> } | undefined;
  for (const type of Object.keys(node?.on ?? {})) if (!type.startsWith('xstate.') && type !== '*') into.add(type);
  for (const child of Object.values(node?.states ?? {})) listenedEvents(child, into);
  return [...into].sort();
}
