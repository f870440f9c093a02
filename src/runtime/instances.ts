import { createActor, type AnyActorRef, type AnyStateMachine, type Actor, type InspectionEvent, type Snapshot } from 'xstate';
import { RuntimeCoreError } from '../errors.js';
import type { DurableInstance } from './durability.js';
import type { ResolvedRuntimeOptions } from './options.js';

export type InstanceKind = 'flow' | 'process';

export interface Instance {
  readonly kind: InstanceKind;
  readonly instanceId: string;
  /** The flow or process id. */
  readonly definitionId: string;
  readonly actor: Actor<AnyStateMachine>;
  /** Event types its machine reacts to. */
  readonly listens: ReadonlySet<string>;
  /** Its persistence, when the runtime has a store. */
  readonly durable: DurableInstance | undefined;
}

/** Every live instance by id, and by the event types that move it. */
export class InstanceRegistry {
  private readonly byId = new Map<string, Instance>();
  private readonly byEvent = new Map<string, Set<Instance>>();

  constructor(private readonly options: ResolvedRuntimeOptions) {}

  get(instanceId: string): Instance | undefined {
    return this.byId.get(instanceId);
  }

  ids(kind?: InstanceKind): string[] {
    return [...this.byId.values()].filter((i) => !kind || i.kind === kind).map((i) => i.instanceId);
  }

  listening(type: string): Iterable<Instance> {
    return this.byEvent.get(type) ?? [];
  }

  /** Creates and starts an actor; `onSettled` runs once when it finishes (done, error or stopped). */
  start(spec: {
    kind: InstanceKind;
    definitionId: string;
    instanceId: string;
    machine: AnyStateMachine;
    input: unknown;
    listens: ReadonlySet<string>;
    /** Runs after the instance is registered, before its actor starts (and maybe runs its first task). */
    beforeStart?: (instance: Instance) => void;
    onSettled: (instance: Instance, outcome: { output?: unknown; error?: unknown }) => void;
    /** Processes stay readable (their final state) after they finish; flows are forgotten. */
    keepWhenDone?: boolean;
    /** A persisted snapshot to continue from (recovery). */
    snapshot?: unknown;
    durable?: DurableInstance;
  }): Instance {
    const { kind, definitionId, instanceId, machine, input, listens, onSettled, keepWhenDone = false, durable } = spec;
    if (this.byId.has(instanceId)) {
      throw new RuntimeCoreError('DUPLICATE_INSTANCE', `An instance with id "${instanceId}" already exists (a ${this.byId.get(instanceId)?.kind})`);
    }
    const actor = createActor(machine, {
      id: instanceId,
      input,
      clock: this.options.clock,
      ...this.inspectOption(durable),
      ...(spec.snapshot === undefined ? {} : { snapshot: spec.snapshot as Snapshot<unknown> }),
      logger: this.actorLogger,
    });
    const instance: Instance = { kind, instanceId, definitionId, actor, listens, durable };
    durable?.bind(actor, spec.snapshot !== undefined);
    this.byId.set(instanceId, instance);
    for (const type of listens) {
      let set = this.byEvent.get(type);
      if (!set) this.byEvent.set(type, (set = new Set()));
      set.add(instance);
    }
    actor.subscribe(new SettleObserver(this, instance, onSettled, keepWhenDone));
    spec.beforeStart?.(instance);
    actor.start();
    return instance;
  }

  /** The user's `inspect` option, and the instance's persistence when it has one. */
  private inspectOption(durable: DurableInstance | undefined): { inspect?: NonNullable<ResolvedRuntimeOptions['inspect']> } {
    const user = this.options.inspect;
    if (!durable) return user ? { inspect: user } : {};
    if (!user) return { inspect: durable.inspect };
    return {
      inspect: (event: InspectionEvent) => {
        durable.inspect(event);
        if (typeof user === 'function') user(event);
        else user.next?.(event);
      },
    };
  }

  /** Removes an instance without settling it (another runtime owns it now). */
  drop(instanceId: string): Instance | undefined {
    const instance = this.byId.get(instanceId);
    if (instance) this.remove(instance, false);
    return instance;
  }

  /** One logger for every actor: a closure per actor would cost memory on every idle instance. */
  private readonly actorLogger = (...args: unknown[]) => this.options.logger.info(args.map(String).join(' '));

  /** @internal called once per instance, by its SettleObserver. */
  settled(instance: Instance, keep: boolean): void {
    this.remove(instance, keep);
  }

  private remove(instance: Instance, keep: boolean): void {
    if (!keep) this.byId.delete(instance.instanceId);
    for (const type of instance.listens) this.byEvent.get(type)?.delete(instance);
  }

  /** Stops every actor (their running tasks see their AbortSignal fire). */
  stopAll(): void {
    for (const instance of [...this.byId.values()]) (instance.actor as AnyActorRef).stop();
    this.byId.clear();
    this.byEvent.clear();
  }
}

/** Watches one actor until it finishes; an object rather than closures, as there is one per idle instance. */
class SettleObserver {
  private done = false;

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly instance: Instance,
    private readonly onSettled: (instance: Instance, outcome: { output?: unknown; error?: unknown }) => void,
    private readonly keep: boolean,
  ) {}

  complete(): void {
    this.settle({ output: this.instance.actor.getSnapshot().output });
  }

  error(error: unknown): void {
    this.settle({ error });
  }

  private settle(outcome: { output?: unknown; error?: unknown }): void {
    if (this.done) return;
    this.done = true;
    this.registry.settled(this.instance, this.keep);
    this.onSettled(this.instance, outcome);
  }
}
