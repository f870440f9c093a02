// What a task promises, in words: its retry and timeout policy, for prompts and comments.
import type { TaskDefinition } from '../dsl/schema.js';

/** `3 attempts in all, exponential backoff from 100ms; never retried: CardDeclined` (or `no retries`). */
export function retrySummary(definition: TaskDefinition): string {
  const retry = definition.retry;
  const attempts = retry?.maxAttempts ?? 1;
  const parts = [attempts > 1 ? `${attempts} attempts in all, ${retry?.backoff ?? 'exponential'} backoff from ${String(retry?.initialDelay ?? '1s')}` : 'no retries'];
  if (retry?.nonRetryable?.length) parts.push(`never retried: ${retry.nonRetryable.join(', ')}`);
  return parts.join('; ');
}

/** `10s per attempt` or `none`. */
export function timeoutSummary(definition: TaskDefinition): string {
  return definition.timeout === undefined ? 'none' : `${String(definition.timeout)} per attempt`;
}
