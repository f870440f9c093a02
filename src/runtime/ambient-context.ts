import { AsyncLocalStorage } from 'node:async_hooks';
import { UsageError } from '../errors.js';

/** A value that code called by the runtime reads without being passed it: the task attempt, the event handled. */
export interface AmbientContext<T> {
  /** Runs `fn(arg)` with `context` current, in it and in whatever it awaits. */
  run<A, R>(context: T, fn: (arg: A) => R, arg: A): R;
  /** The current context. @throws UsageError (`INVALID_ARGUMENT`) outside `run`. */
  current(): T;
}

/**
 * One AsyncLocalStorage per process under `Symbol.for(key)`, not per copy of the module: code loaded through
 * another loader (the CLI's --tasks, a second install of the package) must see the context of the call that runs it.
 */
export function ambientContext<T>(key: string, outside: string): AmbientContext<T> {
  const symbol = Symbol.for(key);
  const holder = globalThis as { [symbol]?: AsyncLocalStorage<T> };
  const storage = (holder[symbol] ??= new AsyncLocalStorage<T>());
  return {
    run: (context, fn, arg) => storage.run(context, fn, arg),
    current: () => {
      const context = storage.getStore();
      if (context === undefined) throw new UsageError(outside);
      return context;
    },
  };
}
