import { isDeepStrictEqual } from 'node:util';
import type { TaskExample } from '../../dsl/schema.js';
import type { BuiltinTaskFactory } from './builtin-task.js';
import { TaskFailure } from './task-failure.js';

/**
 * `{ type: 'mock', output? }`: answers from the task's examples. The first example whose input deep-equals
 * the input answers (with its output, or by failing with its error); else `output`; else the output of the
 * first example that has one; else the attempt fails with `MockNoMatch`, not retried.
 */
export const createMockTask: BuiltinTaskFactory<'mock'> = (mock, { taskId, definition }) => {
  const examples: readonly TaskExample[] = definition.examples ?? [];
  const fallback = 'output' in mock ? { output: mock.output } : examples.find((example) => 'output' in example);
  return (input) => {
    const match = examples.find((example) => isDeepStrictEqual(example.input, input));
    if (match?.error) {
      const { name = 'Error', message = `Mock of task "${taskId}" failed as its example says`, code } = match.error;
      throw new TaskFailure(name, message, { code });
    }
    const answer = match ?? fallback;
    if (!answer) {
      throw new TaskFailure('MockNoMatch', `Mock of task "${taskId}" has no example whose input equals ${preview(input)}, and no output to fall back on`, {
        code: 'MOCK_NO_MATCH',
        nonRetryable: true,
      });
    }
    return copy(answer.output);
  };
};

/** A copy, so a caller that changes an output can't change the document's examples. */
function copy(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value; // not plain data: the task runner reports why
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
