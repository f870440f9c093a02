import { ReactiveSystemRuntime } from '../../src/index.js';
import type { FlowRunner, RuntimeCoreSpec } from './types.js';

/** A runtime for the spec's system with its tasks registered, as an application would make one: default options, real clock. */
export function createBenchRuntime(spec: RuntimeCoreSpec): ReactiveSystemRuntime {
  const runtime = new ReactiveSystemRuntime(spec.system);
  runtime.registerTaskImplementations(spec.tasks());
  return runtime;
}

/** Executes the spec's flow through `executeFlow`; resolves with its output, rejects if it failed. */
export function runtimeCoreRunner(spec: RuntimeCoreSpec, input: (i: number) => unknown): FlowRunner {
  const runtime = createBenchRuntime(spec);
  return async (i) => {
    const result = await runtime.executeFlow(spec.flowId, input(i));
    if (!result.success) throw new Error(`runtime-core flow "${spec.flowId}" failed: ${result.error?.message ?? 'no error'}`);
    return result.output;
  };
}
