import { runWithEventContext, type EventContext } from './event-context.js';
import type { RuntimeLogger } from './options.js';

/** @deprecated The handler gets the payload alone; read the metadata with `getEventContext()`. */
export type EventMeta = EventContext;

/** Called with the event's payload alone; `getEventContext()` inside it tells the event's type and source. */
export type EventHandler = (payload: Record<string, unknown>) => void | Promise<void>;

/** Handlers registered with `registerEventHandler`, by event type (`'*'` receives every event). */
export class EventHandlers {
  private readonly byType = new Map<string, Set<EventHandler>>();

  constructor(private readonly logger: RuntimeLogger) {}

  add(type: string, handler: EventHandler): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  has(type: string): boolean {
    return (this.byType.get(type)?.size ?? 0) > 0 || (this.byType.get('*')?.size ?? 0) > 0;
  }

  /** Calls each handler; a handler that throws or rejects is logged and never stops the others. */
  deliver(type: string, payload: Record<string, unknown>, source?: string): void {
    const context: EventContext = source === undefined ? { type } : { type, source };
    for (const key of [type, '*']) {
      for (const handler of this.byType.get(key) ?? []) {
        try {
          // One argument, as the original calls handlers: `toHaveBeenCalledWith(payload)` holds.
          const result = runWithEventContext(context, handler, payload);
          if (result && typeof (result as Promise<void>).then === 'function') {
            (result as Promise<void>).catch((error: unknown) => this.report(type, error));
          }
        } catch (error) {
          this.report(type, error);
        }
      }
    }
  }

  private report(type: string, error: unknown): void {
    this.logger.error(`An event handler for "${type}" failed`, { error: error instanceof Error ? error.message : String(error) });
  }
}
