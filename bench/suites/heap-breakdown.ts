// Where the heap of an idle runtime-core process instance goes: the same `waiter` built up layer by layer,
// from a bare hand-written XState actor to `runtime.createProcess`.
import { createActor, type AnyStateMachine } from 'xstate';
import { ReactiveSystemRuntime } from '../../src/index.js';
import { settledHeapUsed } from '../measure.js';
import { waiterMachine, waiterSystem } from '../workloads/processes.js';

interface Layer {
  name: string;
  /** Creates one instance per id and returns what keeps them alive. */
  build(ids: readonly string[]): unknown;
}

function layers(): Layer[] {
  const runtime = new ReactiveSystemRuntime(waiterSystem);
  const compiled = runtime.getActor('waiter').logic as AnyStateMachine;
  const actors = (make: (id: string) => unknown) => (ids: readonly string[]) => new Map(ids.map((id) => [id, make(id)]));
  return [
    { name: 'hand-written machine, createActor({ id }), in a Map', build: actors((id) => createActor(waiterMachine, { id }).start()) },
    { name: 'compiled machine, same', build: actors((id) => createActor(compiled, { id, input: {} }).start()) },
    {
      name: '+ a logger closure per actor (as the runtime passes)',
      build: actors((id) => createActor(compiled, { id, input: {}, logger: (...args: unknown[]) => void [args, id] }).start()),
    },
    {
      name: '+ subscribe({ complete, error }) with a settle closure',
      build: actors((id) => {
        const actor = createActor(compiled, { id, input: {}, logger: (...args: unknown[]) => void [args, id] });
        const state = { settled: false };
        const settle = () => void (state.settled = true);
        actor.subscribe({ complete: settle, error: settle });
        return actor.start();
      }),
    },
    {
      name: 'runtime.createProcess (all of the above + registry)',
      build: (ids) => {
        for (const instanceId of ids) runtime.createProcess('waiter', { instanceId });
        return runtime;
      },
    },
  ];
}

/** Prints bytes per instance for each layer (median of `repeats`), and the step from the line above. */
export function runHeapBreakdown(instances: number, repeats: number, log: (line: string) => void): void {
  const ids = Array.from({ length: instances }, (_, i) => `waiter-${i}`);
  const list = layers();
  const bytes = list.map(() => [] as number[]);
  for (let rep = 0; rep < repeats; rep++) {
    list.forEach((layer, i) => {
      const before = settledHeapUsed();
      let kept: unknown = layer.build(ids);
      bytes[i]?.push((settledHeapUsed() - before) / ids.length);
      if (kept instanceof ReactiveSystemRuntime) kept.stop();
      kept = undefined;
    });
    list.splice(list.length - 1, 1, layers().at(-1) as Layer); // a fresh runtime for the next repetition
  }
  log(`\nheap per idle instance (${instances.toLocaleString('en-US')} instances, median of ${repeats})`);
  let previous: number | undefined;
  list.forEach((layer, i) => {
    const sorted = [...(bytes[i] ?? [])].sort((a, b) => a - b);
    const b = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const step = previous === undefined ? '' : `  ${b - previous >= 0 ? '+' : ''}${(b - previous).toFixed(0)} B`;
    log(`  ${layer.name.padEnd(56)} ${b.toFixed(0).padStart(6)} B${step}`);
    previous = b;
  });
}
