import { createActor, type AnyActorRef, type AnyStateMachine, type Actor, type InspectionEvent, type Snapshot } from 'xstate';
import { RuntimeCoreError } from '../../errors.js';
import type { InstanceKind } from '../../persistence/store.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import type { InstanceEvent, LocalInstances } from './instance-host.js';
import type { FinishedInstances, FinishedSummary } from './finished-instances.js';
import type { InstanceWriter } from './instance-writer.js';

/**
 * What instances of one definition share: what they are, what they listen to, what happens when one finishes.
 * One object per process definition (shared by all its instances); one per flow instance (its result is its own).
 */
export interface InstanceKindInfo {
  readonly kind: InstanceKind | 'task';
  /** The flow, process or task id. */
  readonly definitionId: string;
  /** Event types its machine reacts to (the compiler lists them). */
  readonly listens: ReadonlySet<string>;
  readonly table: ActorTable;
  readonly onSettled: (instance: LocalInstance, outcome: { output?: unknown; error?: unknown }) => void;
}

/**
 * An instance whose actor runs in this process. It is also the observer that learns when its actor finishes:
 * one object per idle instance rather than a record plus an observer, and what instances of a definition
 * share lives in one `InstanceKindInfo`.
 */
export class LocalInstance {
  /** Set once the actor exists. */
  actor!: Actor<AnyStateMachine>;
  private settled = false;

  constructor(
    private readonly info: InstanceKindInfo,
    /** Its writes, when the host keeps state in a store. */
    readonly writer: InstanceWriter | undefined,
  ) {}

  get kind(): InstanceKind | 'task' {
    return this.info.kind;
  }

  get definitionId(): string {
    return this.info.definitionId;
  }

  get listens(): ReadonlySet<string> {
    return this.info.listens;
  }

  /** The actor's id. */
  get instanceId(): string {
    return this.actor.id;
  }

  /** @internal the actor reached a final state or was stopped. */
  complete(): void {
    this.settle({ output: this.actor.getSnapshot().output });
  }

  /**
   * @internal the actor failed. A bound function, not a method: XState calls an observer's `error` detached from
   * it (`const listener = observer.error; listener(err)`), while it calls `complete` as a method.
   */
  readonly error = (error: unknown): void => {
    this.settle({ error });
  };

  private settle(outcome: { output?: unknown; error?: unknown }): void {
    if (this.settled) return;
    this.settled = true;
    this.info.table.settled(this);
    this.info.onSettled(this, outcome);
  }
}

export interface ActorSpec {
  /** What it is, and what happens once the actor finishes: done, error or stopped. */
  info: InstanceKindInfo;
  instanceId: string;
  machine: AnyStateMachine;
  input: unknown;
  /** Runs after the instance is registered, before its actor starts (and maybe runs its first task). */
  beforeStart?: (instance: LocalInstance) => void;
  /** A persisted snapshot to continue from (recovery). */
  snapshot?: unknown;
  writer?: InstanceWriter;
  /** Task calls are not listed and cannot be addressed. */
  hidden?: boolean;
}

/** The actors running in this process, by id and by the event types that move them. */
export class ActorTable implements LocalInstances {
  private readonly byId = new Map<string, LocalInstance>();
  /**
   * Instances grouped by what they listen to (one Set per definition, shared by its instances), and those groups
   * by event type: an instance sits in one group whatever the number of event types it listens for.
   */
  private readonly groups = new Map<ReadonlySet<string>, Set<LocalInstance>>();
  private readonly groupsByEvent = new Map<string, Set<Set<LocalInstance>>>();
  /** The instance an event is being delivered to, for reports from guards (which XState gives no `self`). */
  private delivering: LocalInstance | undefined;

  constructor(
    private readonly options: Pick<ResolvedRuntimeOptions, 'clock' | 'inspect' | 'logger'>,
    private readonly finishedInstances: FinishedInstances,
  ) {}

  finished(instanceId: string): FinishedSummary | undefined {
    return this.byId.has(instanceId) ? undefined : this.finishedInstances.get(instanceId);
  }

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
    const { info, instanceId, machine, input, writer } = spec;
    const existing = this.byId.get(instanceId);
    if (existing) throw new RuntimeCoreError('DUPLICATE_INSTANCE', `An instance with id "${instanceId}" already exists (a ${existing.kind})`);
    const actor = createActor(machine, {
      id: instanceId,
      ...(input === undefined ? {} : { input }),
      clock: this.options.clock,
      ...this.inspectOption(writer),
      ...(spec.snapshot === undefined ? {} : { snapshot: spec.snapshot as Snapshot<unknown> }),
      logger: this.actorLogger,
    });
    const instance = new LocalInstance(info, writer);
    instance.actor = actor;
    writer?.bind(actor, spec.snapshot !== undefined);
    this.byId.set(instanceId, instance);
    if (info.listens.size > 0) this.group(info.listens).add(instance);
    observe(actor, instance);
    spec.beforeStart?.(instance);
    actor.start();
    return instance;
  }

  /** Instances whose machines react to `type`. */
  listening(type: string): LocalInstance[] {
    const listening: LocalInstance[] = [];
    for (const group of this.groupsByEvent.get(type) ?? []) for (const instance of group) listening.push(instance);
    return listening;
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
    if (instance) this.remove(instance);
    return instance;
  }

  /** @internal called once per instance, when its actor finishes: its summary, if any, is kept elsewhere. */
  settled(instance: LocalInstance): void {
    this.remove(instance);
  }

  /** Stops every actor (their running tasks see their AbortSignal fire). */
  stopAll(): void {
    for (const instance of [...this.byId.values()]) (instance.actor as AnyActorRef).stop();
    this.byId.clear();
    this.groups.clear();
    this.groupsByEvent.clear();
  }

  /** One logger for every actor: a closure per actor would cost memory on every idle instance. */
  private readonly actorLogger = (...args: unknown[]) => this.options.logger.info(args.map(String).join(' '));

  private group(listens: ReadonlySet<string>): Set<LocalInstance> {
    let group = this.groups.get(listens);
    if (!group) {
      this.groups.set(listens, (group = new Set()));
      for (const type of listens) {
        let groups = this.groupsByEvent.get(type);
        if (!groups) this.groupsByEvent.set(type, (groups = new Set()));
        groups.add(group);
      }
    }
    return group;
  }

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

  private remove(instance: LocalInstance): void {
    if (this.byId.get(instance.instanceId) === instance) this.byId.delete(instance.instanceId);
    this.groups.get(instance.listens)?.delete(instance);
  }
}

function sendDeep(actor: AnyActorRef, event: InstanceEvent): void {
  actor.send(event);
  const children = (actor.getSnapshot() as { children?: Record<string, AnyActorRef> }).children;
  for (const child of Object.values(children ?? {})) if (child.getSnapshot()?.status === 'active') sendDeep(child, event);
}

/**
 * Makes `instance` an observer of `actor`. XState's `subscribe` wraps an observer in a new object with two bound
 * functions and returns a subscription: about 200 bytes kept per idle instance. Its observers are held in a Set,
 * `complete` called as a method and `error` detached (the instance's is bound), so the instance goes in as it
 * is; `subscribe` stays the fallback if that ever changes. test/runtime/hosts.test.ts covers both ways out.
 */
function observe(actor: Actor<AnyStateMachine>, instance: LocalInstance): void {
  const observers = (actor as unknown as { observers?: unknown }).observers;
  if (observers instanceof Set) observers.add(instance);
  else actor.subscribe(instance);
}
