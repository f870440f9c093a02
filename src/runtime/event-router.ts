import type { JsonSchema } from '../dsl/schema.js';
import { RuntimeCoreError, InputValidationError, UsageError } from '../errors.js';
import { EventHandlers, type EventHandler } from './event-handlers.js';
import { addressOf, checkedAddress, withoutAddressing } from './event-address.js';
import type { DeliveryOptions, EventAddress, InstanceHost } from './host/instance-host.js';
import { checkJsonSchema } from './json-schemas.js';
import type { RuntimeLogger } from './options.js';

/** What starts the flows an event triggers. */
export interface FlowLauncher {
  startFlow(flowId: string, input: unknown): unknown;
}

/**
 * Where an event goes: its handlers, one addressed instance or every instance that listens for it (through the
 * host, wherever instances live), and the flows it triggers (through the launcher). Lifecycle notices take
 * the same road, but only when someone listens.
 */
export class EventRouter {
  private readonly handlers: EventHandlers;
  private readonly triggers = new Map<string, Set<string>>();
  private readonly processListeners = new Set<string>();
  private host: InstanceHost | undefined;
  private launcher: FlowLauncher | undefined;
  private stopped = false;

  constructor(
    private readonly schemas: Readonly<Record<string, { payload?: JsonSchema } | undefined>>,
    private readonly logger: RuntimeLogger,
  ) {
    this.handlers = new EventHandlers(logger);
  }

  /** Where instances live and what starts flows: known once the runtime has built them. */
  connect(host: InstanceHost, launcher: FlowLauncher): void {
    this.host = host;
    this.launcher = launcher;
  }

  addHandler(type: string, handler: EventHandler): () => void {
    return this.handlers.add(type, handler);
  }

  /** Indexes (or re-indexes) the events that start a flow. */
  setTriggers(flowId: string, trigger: string | readonly string[] | undefined): void {
    for (const set of this.triggers.values()) set.delete(flowId);
    const types = trigger === undefined ? [] : typeof trigger === 'string' ? [trigger] : trigger;
    for (const type of types) {
      let set = this.triggers.get(type);
      if (!set) this.triggers.set(type, (set = new Set()));
      set.add(flowId);
    }
  }

  addProcessListener(type: string): void {
    this.processListeners.add(type);
  }

  /**
   * Sends an event from outside (or from a task): addressed by `target`, else by the payload's `instanceId` (or the
   * default instance of `processId`), checked against its schema, then routed. Addressing is not payload: with
   * the payload form, the addressing field is taken out before the schema check and before any instance or
   * triggered flow sees the payload (unless the event's schema declares it as a property); handlers get the
   * payload as it was sent.
   */
  send(type: string, payload: Record<string, unknown>, source?: string, target?: EventAddress): void {
    this.assertRunning();
    if (typeof type !== 'string' || type.length === 0) throw new UsageError('sendEvent(type, payload) expects a non-empty event type');
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new UsageError(`sendEvent("${type}", payload) expects the payload to be an object`);
    const schema = this.schemas[type]?.payload;
    let address = target === undefined ? undefined : checkedAddress(target);
    let delivered = payload;
    if (!address) {
      address = addressOf(payload);
      if (address) delivered = withoutAddressing(payload, schema);
    }
    if (schema) {
      const issues = checkJsonSchema(schema, delivered, 'payload');
      if (issues.length) throw new InputValidationError(`Payload of event "${type}"`, issues, 'INVALID_PAYLOAD');
    }
    this.dispatch(type, delivered, address, source, false, payload);
  }

  /**
   * A process `emit` goes through `send` (schema, addressing) once the emitting transition is over: actors it
   * starts or moves must not be created inside another actor's action. A bad one is reported.
   */
  emitLater(type: string, payload: Record<string, unknown>, source: string | undefined): void {
    queueMicrotask(() => {
      if (this.stopped) return;
      try {
        this.send(type, payload, source);
      } catch (error) {
        const message = `emit of "${type}" failed: ${error instanceof Error ? error.message : String(error)}`;
        this.logger.error(message, { event: type, ...(source === undefined ? {} : { instanceId: source }) });
        this.lifecycle('process.error', () => ({ event: type, message, ...(source === undefined ? {} : { instanceId: source }) }));
      }
    });
  }

  /** Whether a handler, a trigger or a process listens for events of `type`. */
  wants(type: string): boolean {
    return !this.stopped && (this.handlers.has(type) || this.triggers.has(type) || this.processListeners.has(type));
  }

  /** Lifecycle notices cost nothing unless a handler, a trigger or a process listens for them. */
  lifecycle(type: string, payload: () => Record<string, unknown>): void {
    if (this.wants(type)) this.dispatch(type, payload(), undefined, undefined, true);
  }

  stop(): void {
    this.stopped = true;
  }

  /** `sent` is the payload as the caller gave it, for handlers; `payload` is what instances and triggered flows get. */
  private dispatch(type: string, payload: Record<string, unknown>, address: EventAddress | undefined, source: string | undefined, notice = false, sent = payload): void {
    if (this.stopped || !this.host) return;
    const options: DeliveryOptions = { notice };
    if (address) options.address = address;
    if (this.handlers.has(type)) options.accepted = () => this.handlers.deliver(type, sent, source);
    this.host.deliver({ type, payload }, options)?.catch((error: unknown) => {
      this.logger.error(`Event "${type}" could not be delivered`, { error: error instanceof Error ? error.message : String(error) });
    });
    const triggered = this.triggers.get(type);
    if (triggered) this.startTriggered(type, triggered, payload);
  }

  private startTriggered(type: string, triggered: ReadonlySet<string>, payload: Record<string, unknown>): void {
    for (const flowId of triggered) {
      try {
        this.launcher?.startFlow(flowId, payload);
      } catch (error) {
        this.logger.error(`Event "${type}" could not start flow "${flowId}"`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private assertRunning(): void {
    if (this.stopped) throw new RuntimeCoreError('RUNTIME_STOPPED', 'The runtime was stopped; create a new ReactiveSystemRuntime');
    this.host?.assertOpen();
  }
}
