import { createActor, type AnyActorRef, type AnyStateMachine, type Actor, type InspectionEvent, type Snapshot } from 'xstate';
import { RuntimeCoreError } from '../../errors.js';
import type { InstanceKind } from '../../persistence/store.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import type { InstanceEvent, LocalInstances } from './instance-host.js';
import type { InstanceWriter } from './instance-writer.js';

/** An instance whose actor runs in this process. */
export interface LocalInstance {
  readonly kind: InstanceKind | 'task';
  readonly instanceId: string;
  /** The flow, process or task id. */
  readonly definitionId: string;
  readonly actor: Actor<AnyStateMachine>;
  /** Event types its machine reacts to (the compiler lists them). */
  readonly listens: ReadonlySet<string>;
  /** Its writes, when the host keeps state in a store. */
  readonly writer: InstanceWriter | undefined;
}

export interface ActorSpec {
  kind: InstanceKind | 'task';
  definitionId: string;
  instanceId: string;
  machine: AnyStateMachine;
  input: unknown;
  listens: ReadonlySet<string>;
  /** Runs after the instance is registered, before its actor starts (and maybe runs its first task). */
  beforeStart?: (instance: LocalInstance) => void;
  /** Runs once when the actor finishes: done, error or stopped. */
  onSettled: (instance: LocalInstance, outcome: { output?: unknown; error?: unknown }) => void;
  /** Processes stay readable (their final state) after they finish; flows are forgotten. */
  keepWhenDone?: boolean;
  /** A persisted snapshot to continue from (recovery). */
  snapshot?: unknown;
  writer?: InstanceWriter;
  /** Task calls are not listed and cannot be addressed. */
  hidden?: boolean;
}

/** The actors running in this process, by id and by the event types that move them. */
export class ActorTable implements LocalInstances {
  private readonly byId = new Map<string, LocalInstance>();
  private readonly byEvent = new Map<string, Set<LocalInstance>>();
  /** The instance an event is being delivered to, for reports from guards (which XState gives no `self`). */
  private delivering: LocalInstance | undefined;

  constructor(private readonly options: Pick<ResolvedRuntimeOptions, 'clock' | 'inspect' | 'logger'>) {}

  get(instanceId: string): LocalInstance | undefined {
    return this.byId.get(instanceId);
  }

  actor(instanceId: string): Actor<AnyStateMachine> | undefined {
    return this.byId.get(instanceId)?.actor;
  }

  describe(instanceId: string): { kind: InstanceKind; definitionId: string } | undefined {
    const instance = this.byId.get(instanceId);
    return instance && instance.kind !== 'task' ? { kind: instance.kind, definitionId: instance.definitionId } : undefined;
  }

  ids(kind?: InstanceKind): string[] {
    const ids: string[] = [];
    for (const instance of this.byId.values()) if (instance.kind !== 'task' && (!kind || instance.kind === kind)) ids.push(instance.instanceId);
    return ids;
  }

  /** The instance being delivered to right now, if any. */
  get currentInstance(): LocalInstance | undefined {
    return this.delivering;
  }

  /** Creates and starts an actor. */
  start(spec: ActorSpec): LocalInstance {
    const { kind, definitionId, instanceId, machine, input, listens, writer } = spec;
    const existing = this.byId.get(instanceId);
    if (existing) throw new RuntimeCoreError('DUPLICATE_INSTANCE', `An instance with id "${instanceId}" already exists (a ${existing.kind})`);
    const actor = createActor(machine, {
      id: instanceId,
      input,
      clock: this.options.clock,
      ...this.inspectOption(writer),
      ...(spec.snapshot === undefined ? {} : { snapshot: spec.snapshot as Snapshot<unknown> }),
      logger: this.actorLogger,
    });
    const instance: LocalInstance = { kind, instanceId, definitionId, actor, listens, writer };
    writer?.bind(actor, spec.snapshot !== undefined);
    this.byId.set(instanceId, instance);
    for (const type of listens) {
      let set = this.byEvent.get(type);
      if (!set) this.byEvent.set(type, (set = new Set()));
      set.add(instance);
    }
    actor.subscribe(new SettleObserver(this, instance, spec.onSettled, spec.keepWhenDone ?? false));
    spec.beforeStart?.(instance);
    actor.start();
    return instance;
  }

  /** Instances whose machines react to `type`. */
  listening(type: string): Iterable<LocalInstance> {
    return this.byEvent.get(type) ?? [];
  }

  /** Sends an event to one instance; a flow's event steps may sit in forEach bodies and sub-flows, which are child actors. */
  deliver(instance: LocalInstance, event: InstanceEvent): void {
    const outer = this.delivering;
    this.delivering = instance;
    try {
      if (instance.kind === 'process') instance.actor.send(event);
      else sendDeep(instance.actor, event);
    } finally {
      this.delivering = outer;
    }
  }

  /** Removes an instance without settling it (it was ended, or another runtime owns it now). */
  drop(instanceId: string): LocalInstance | undefined {
    const instance = this.byId.get(instanceId);
    if (instance) this.remove(instance, false);
    return instance;
  }

  /** @internal called once per instance, by its SettleObserver. */
  settled(instance: LocalInstance, keep: boolean): void {
    this.remove(instance, keep);
  }

  /** Stops every actor (their running tasks see their AbortSignal fire). */
  stopAll(): void {
    for (const instance of [...this.byId.values()]) (instance.actor as AnyActorRef).stop();
    this.byId.clear();
    this.byEvent.clear();
  }

  /** One logger for every actor: a closure per actor would cost memory on every idle instance. */
  private readonly actorLogger = (...args: unknown[]) => this.options.logger.info(args.map(String).join(' '));

  /** The user's `inspect` option, and the instance's writer when it has one. */
  private inspectOption(writer: InstanceWriter | undefined): { inspect?: NonNullable<ResolvedRuntimeOptions['inspect']> } {
    const user = this.options.inspect;
    if (!writer) return user ? { inspect: user } : {};
    if (!user) return { inspect: writer.inspect };
    return {
      inspect: (event: InspectionEvent) => {
        writer.inspect(event);
        if (typeof user === 'function') user(event);
        else user.next?.(event);
      },
    };
  }

  private remove(instance: LocalInstance, keep: boolean): void {
    if (!keep) this.byId.delete(instance.instanceId);
    for (const type of instance.listens) this.byEvent.get(type)?.delete(instance);
  }
}

function sendDeep(actor: AnyActorRef, event: InstanceEvent): void {
  actor.send(event);
  const children = (actor.getSnapshot() as { children?: Record<string, AnyActorRef> }).children;
  for (const child of Object.values(children ?? {})) if (child.getSnapshot()?.status === 'active') sendDeep(child, event);
}

/** Watches one actor until it finishes; an object rather than closures, as there is one per idle instance. */
class SettleObserver {
  private done = false;

  constructor(
    private readonly table: ActorTable,
    private readonly instance: LocalInstance,
    private readonly onSettled: ActorSpec['onSettled'],
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
    this.table.settled(this.instance, this.keep);
    this.onSettled(this.instance, outcome);
  }
}
