import { isDeepStrictEqual } from 'node:util';
import type { TaskDefinition, TaskExample } from '../dsl/schema.js';
import { TaskFailure } from '../runtime/builtin-tasks/task-failure.js';
import type { TaskImplementation } from '../runtime/task-runner.js';

/** The example of a task whose input deep-equals `input`, if there is one. */
export function findExample(definition: Pick<TaskDefinition, 'examples'>, input: unknown): TaskExample | undefined {
  return definition.examples?.find((example) => isDeepStrictEqual(example.input, input));
}

/** The error an example says its task fails with, as a thrown error carries it. */
export function exampleError(taskId: string, example: TaskExample): TaskFailure {
  const { name = 'Error', message = `Task "${taskId}" failed as its example says`, code } = example.error ?? {};
  return new TaskFailure(name, message, { code });
}

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
};

/**
 * A stub of a task that answers from its `examples`: the example whose input deep-equals the input gives
 * its `output` (a copy), or fails with its `error` (retried as the task's policy says, like the real
 * error). An input no example has fails with `NoMatchingExample` (code `NO_MATCHING_EXAMPLE`), not retried.
 * Returns `undefined` for a task without examples.
 */
export function exampleImplementation(taskId: string, definition: Pick<TaskDefinition, 'examples'>): TaskImplementation | undefined {
  const examples = definition.examples ?? [];
  if (examples.length === 0) return undefined;
  return ((input: unknown) => {
    const example = findExample(definition, input);
    if (!example) {
      const known = examples.map((e) => preview(e.input)).join(', ');
      throw new TaskFailure('NoMatchingExample', `Task "${taskId}" has no example with input ${preview(input)} (examples: ${known})`, {
        code: 'NO_MATCHING_EXAMPLE',
        nonRetryable: true,
      });
    }
    if (example.error) throw exampleError(taskId, example);
    return example.output === undefined ? undefined : structuredClone(example.output);
  }) as TaskImplementation;
}
