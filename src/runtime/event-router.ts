import type { AnyActorRef } from 'xstate';
import type { FlowDefinition } from '../dsl/schema.js';
import { EventHandlers, type EventHandler } from './event-handlers.js';
import type { Instance, InstanceRegistry } from './instances.js';
import type { RuntimeLogger } from './options.js';

/**
 * Where an event goes: its handlers, one addressed instance or every instance that listens for it, and
 * the flows it triggers. Lifecycle notices take the same road, but only when someone listens.
 */
export class EventRouter {
  private readonly handlers: EventHandlers;
  private readonly triggers = new Map<string, Set<string>>();
  private readonly processListeners = new Set<string>();
  /** The instance an event is being delivered to, for reports from guards (which XState gives no `self`). */
  private delivering: Instance | undefined;
  private stopped = false;

  constructor(
    private readonly instances: InstanceRegistry,
    private readonly startFlow: (flowId: string, input: unknown) => void,
    private readonly logger: RuntimeLogger,
  ) {
    this.handlers = new EventHandlers(logger);
  }

  addHandler(type: string, handler: EventHandler): () => void {
    return this.handlers.add(type, handler);
  }

  /** Indexes (or re-indexes) the events that start a flow. */
  setTriggers(flowId: string, flow: FlowDefinition): void {
    for (const set of this.triggers.values()) set.delete(flowId);
    const types = flow.trigger === undefined ? [] : Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger];
    for (const type of types) {
      let set = this.triggers.get(type);
      if (!set) this.triggers.set(type, (set = new Set()));
      set.add(flowId);
    }
  }

  addProcessListener(type: string): void {
    this.processListeners.add(type);
  }

  /** The instance being delivered to right now, if any. */
  get currentInstance(): Instance | undefined {
    return this.delivering;
  }

  dispatch(type: string, payload: Record<string, unknown>, target?: Instance, source?: string): void {
    if (this.stopped) return;
    this.handlers.deliver(type, payload, source);
    const event = { type, payload };
    if (target) this.deliver(target, event);
    else for (const instance of [...this.instances.listening(type)]) this.deliver(instance, event);
    for (const flowId of this.triggers.get(type) ?? []) {
      try {
        this.startFlow(flowId, payload);
      } catch (error) {
        this.logger.error(`Event "${type}" could not start flow "${flowId}"`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Lifecycle notices cost nothing unless a handler, a trigger or a process listens for them. */
  lifecycle(type: string, payload: () => Record<string, unknown>): void {
    if (this.stopped) return;
    if (!this.handlers.has(type) && !this.triggers.has(type) && !this.processListeners.has(type)) return;
    this.dispatch(type, payload());
  }

  stop(): void {
    this.stopped = true;
  }

  /** A flow's event steps may sit in forEach bodies and sub-flows, which are child actors: they get the event too. */
  private deliver(instance: Instance, event: { type: string; payload: Record<string, unknown> }): void {
    const outer = this.delivering;
    this.delivering = instance;
    try {
      if (instance.kind === 'process') instance.actor.send(event);
      else sendDeep(instance.actor, event);
    } finally {
      this.delivering = outer;
    }
  }
}

function sendDeep(actor: AnyActorRef, event: { type: string; payload: Record<string, unknown> }): void {
  actor.send(event);
  const children = (actor.getSnapshot() as { children?: Record<string, AnyActorRef> }).children;
  for (const child of Object.values(children ?? {})) if (child.getSnapshot()?.status === 'active') sendDeep(child, event);
}
