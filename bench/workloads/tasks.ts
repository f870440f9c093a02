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
 * A task that fails `failures` times, then succeeds with the number of attempts it took, and starts over.
 * Flows run one at a time, so each flow sees fail, fail, succeed. One per implementation.
 */
export function createFlakyTask(failures = 2): (input?: unknown) => Promise<{ attempts: number }> {
  let attempt = 0;
  return async () => {
    calls++;
    attempt++;
    if (attempt <= failures) throw new Error(`flaky failure ${attempt}`);
    const attempts = attempt;
    attempt = 0;
    return { attempts };
  };
}
