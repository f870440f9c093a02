// The workloads as plain async/await: the floor any orchestration adds to.

type Task = (input: unknown) => Promise<unknown>;

/** Awaits each step in turn, keeping every output; resolves with the last. */
export async function sequentialAsync(stepIds: readonly string[], task: Task, input: unknown): Promise<unknown> {
  const steps: Record<string, unknown> = {};
  let last: unknown;
  for (const id of stepIds) last = steps[id] = await task(input);
  return last;
}

/** Starts every branch, awaits them all. */
export function parallelAsync(branchIds: readonly string[], task: Task, input: unknown): Promise<unknown[]> {
  return Promise.all(branchIds.map(() => task(input)));
}

/** Tries up to `maxAttempts` times, waiting `delayMs` between attempts (no wait at all when it is 0). */
export async function retryAsync(task: Task, input: unknown, maxAttempts: number, delayMs: number): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(input);
    } catch (error) {
      if (attempt >= maxAttempts) throw error;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** Runs `thenTask` when `input.big` is true, else `elseTask`. */
export function conditionAsync(thenTask: Task, elseTask: Task, input: { big?: unknown }): Promise<unknown> {
  return input.big === true ? thenTask(input) : elseTask(input);
}
