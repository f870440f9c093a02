// The task functions every implementation calls: the same code, so only the orchestration differs.

let calls = 0;

/** Task calls made so far (all implementations): the check that every step really ran. */
export const taskCalls = (): number => calls;

/** A no-op task: resolves at once. */
export async function noop(_input?: unknown): Promise<{ ok: true }> {
  calls++;
  return { ok: true };
}

/** The `then` task of the condition workload. */
export async function branchA(_input?: unknown): Promise<{ branch: 'a' }> {
  calls++;
  return { branch: 'a' };
}

/** The `else` task of the condition workload. */
export async function branchB(_input?: unknown): Promise<{ branch: 'b' }> {
  calls++;
  return { branch: 'b' };
}

/**
 * A task that fails `failures` times for each flow, then succeeds with the number of attempts it took. Attempts
 * are counted per flow, by the `flow` number in the input (the flow's input, which every implementation passes to
 * the task), so flows in flight at once each see fail, fail, succeed. One per implementation.
 */
export function createFlakyTask(failures = 2): (input?: unknown) => Promise<{ attempts: number }> {
  const attempts = new Map<unknown, number>();
  return async (input) => {
    calls++;
    const flow = (input as { flow?: unknown } | undefined)?.flow;
    const attempt = (attempts.get(flow) ?? 0) + 1;
    if (attempt <= failures) {
      attempts.set(flow, attempt);
      throw new Error(`flaky failure ${attempt}`);
    }
    attempts.delete(flow);
    return { attempts: attempt };
  };
}
