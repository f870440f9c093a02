// The files of one generated task: their names, and the test modules the generator writes itself.
import type { TaskDefinition, TaskExample } from '../dsl/schema.js';
import { typeNamePrefix } from './schema-types.js';
import type { CodeLanguage } from './types.js';

/** Where the files of a task go, and how they import each other. */
export interface TaskFileNames {
  implementation: string;
  types: string;
  tests: string;
  examples: string;
  /** `./<task>.js`: how a test or a flow module imports the implementation. */
  importPath: string;
  /** `./<task>.types.js`: how the implementation imports its types. */
  typesImportPath: string;
  /** A JavaScript identifier for the implementation function. */
  identifier: string;
}

const RESERVED = new Set(['default', 'function', 'class', 'delete', 'new', 'return', 'switch', 'case', 'var', 'let', 'const', 'import', 'export', 'in', 'do', 'if', 'for', 'while', 'with', 'void', 'this', 'super', 'try', 'catch', 'throw', 'typeof', 'instanceof', 'yield', 'await', 'enum', 'null', 'true', 'false']);

/** A valid identifier for a task id: the id itself when it is one, else its camel-cased words. */
export function taskIdentifier(taskId: string): string {
  const plain = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(taskId) ? taskId : typeNamePrefix(taskId).replace(/^./, (c) => c.toLowerCase());
  return RESERVED.has(plain) ? `${plain}Task` : plain;
}

/** The file names of a task's module, types and tests. */
export function taskFileNames(taskId: string, language: CodeLanguage): TaskFileNames {
  const ext = language === 'typescript' ? 'ts' : 'js';
  return {
    implementation: `${taskId}.${ext}`,
    types: language === 'typescript' ? `${taskId}.types.ts` : `${taskId}.types.d.ts`,
    tests: `${taskId}.test.${ext}`,
    examples: `${taskId}.examples.test.${ext}`,
    importPath: `./${taskId}.js`,
    typesImportPath: `./${taskId}.types.js`,
    identifier: taskIdentifier(taskId),
  };
}

/** JSON text indented to sit at `indent` in generated code. */
export function jsonLiteral(value: unknown, indent = ''): string {
  return (JSON.stringify(value, null, 2) ?? 'undefined').replace(/\n/g, `\n${indent}`);
}

/** The task as a test runtime declares it: its schemas and timeout, without retries (each case runs once). */
export function taskUnderTest(definition: TaskDefinition): TaskDefinition {
  const { input, output, timeout, description } = definition;
  return {
    ...(description === undefined ? {} : { description }),
    ...(input === undefined ? {} : { input }),
    ...(output === undefined ? {} : { output }),
    ...(timeout === undefined ? {} : { timeout }),
  };
}

const title = (example: TaskExample, index: number): string =>
  JSON.stringify(`example ${index + 1}${example.description ? `: ${example.description}` : example.error ? ': fails' : ''}`);

/**
 * A vitest module with one test per example of the task: the implementation, registered on a real
 * `ReactiveSystemRuntime` (so `getTaskContext()` works and the schemas are enforced), must give the example's
 * output, or fail with its error. Empty when the task has no examples.
 */
export function exampleTests(taskId: string, definition: TaskDefinition, language: CodeLanguage): string {
  const examples = definition.examples ?? [];
  if (examples.length === 0) return '';
  const names = taskFileNames(taskId, language);
  const ts = language === 'typescript';
  const cases = examples.map(
    (example, i) => `  it(${title(example, i)}, async () => {
    const example${ts ? ': TaskExample' : ''} = ${jsonLiteral(example, '    ')};
    const mismatch = exampleMismatch(example, await run(example.input));
    if (mismatch) expect.fail(mismatch);
  });`,
  );
  return `// Tests from the examples of task "${taskId}", written by runtime-core from the system document.
import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime } from 'runtime-core';
${ts ? "import type { SystemDefinition, TaskExample } from 'runtime-core';\n" : ''}import { exampleMismatch } from 'runtime-core/testing';
import ${names.identifier} from '${names.importPath}';

// The task as the document declares it, without retries: each example runs once.
const system${ts ? ': SystemDefinition' : ''} = ${jsonLiteral({ id: 'examples', tasks: { [taskId]: taskUnderTest(definition) } })};

async function run(input${ts ? ': unknown' : ''}) {
  const runtime = new ReactiveSystemRuntime(system, { logger: {} });
  runtime.registerTaskImplementation(${JSON.stringify(taskId)}, ${names.identifier});
  try {
    return await runtime.executeTask(${JSON.stringify(taskId)}, input);
  } finally {
    runtime.stop();
  }
}

describe(${JSON.stringify(`${taskId}: examples`)}, () => {
${cases.join('\n\n')}
});
`;
}

/** The files of a task's result, by name (tests only when there are some). */
export function taskFiles(
  taskId: string,
  language: CodeLanguage,
  parts: { code: string; types: string; tests: string; exampleTests: string },
): Record<string, string> {
  const names = taskFileNames(taskId, language);
  return {
    [names.types]: parts.types,
    [names.implementation]: parts.code,
    ...(parts.tests.trim() ? { [names.tests]: parts.tests } : {}),
    ...(parts.exampleTests.trim() ? { [names.examples]: parts.exampleTests } : {}),
  };
}
