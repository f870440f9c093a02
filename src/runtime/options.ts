import type { InspectionEvent, Observer } from 'xstate';
import { systemClock, type Clock } from '../../machines/clock.js';

export type { Clock };

export interface RuntimeLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface RuntimeOptions {
  /** Drives every timer (waits, backoff, timeouts, `after`). Pass XState's `SimulatedClock` in tests. @default the real clock */
  clock?: Clock;
  /** Handed to every actor the runtime creates, as XState's `inspect` option. @default none */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** @default warnings and errors to the console */
  logger?: Partial<RuntimeLogger>;
  /** Randomness for backoff jitter. @default Math.random */
  random?: () => number;
}

export interface ResolvedRuntimeOptions {
  clock: Clock;
  inspect: RuntimeOptions['inspect'];
  logger: RuntimeLogger;
  random: () => number;
}

const silent = () => undefined;

/** Applies the defaults, in one place. */
export function resolveRuntimeOptions(options: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const logger = options.logger ?? {};
  return {
    clock: options.clock ?? systemClock,
    inspect: options.inspect,
    logger: {
      debug: logger.debug ?? silent,
      info: logger.info ?? silent,
      warn: logger.warn ?? ((message, meta) => console.warn(`[runtime-core] ${message}`, meta ?? '')),
      error: logger.error ?? ((message, meta) => console.error(`[runtime-core] ${message}`, meta ?? '')),
    },
    random: options.random ?? Math.random,
  };
}
