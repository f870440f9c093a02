// The template provider: a typed skeleton that answers the task's examples, written without a model.
import type { TaskDefinition } from '../dsl/schema.js';
import { jsonLiteral, taskFileNames } from './task-files.js';
import { retrySummary, timeoutSummary } from './task-summary.js';
import type { CodeLanguage, GenerateOptions } from './types.js';

/** The name of the error a skeleton throws for an input none of its examples has. */
export const NOT_IMPLEMENTED = 'NotImplemented';

const comment = (text: string): string => text.replace(/\*\//g, '* /');

/** The skeleton's two helpers, typed in TypeScript or through JSDoc. */
function helpers(ts: boolean): string {
  const cast = (expression: string, type: string) => (ts ? `${expression} as ${type}` : `/** @type {${type}} */ (${expression})`);
  return `/**
 * JSON equality: the same keys (in any order) and values.${ts ? '' : '\n * @param {unknown} a\n * @param {unknown} b\n * @returns {boolean}'}
 */
function sameJson(a${ts ? ': unknown' : ''}, b${ts ? ': unknown' : ''})${ts ? ': boolean' : ''} {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const x = ${cast('a', 'Record<string, unknown>')};
  const y = ${cast('b', 'Record<string, unknown>')};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((key) => Object.hasOwn(y, key) && sameJson(x[key], y[key]));
}

/**
 * An error carrying \`name\` and \`code\` the way the runtime reads them.${ts ? '' : '\n * @param {string} name\n * @param {string} message\n * @param {string} [code]\n * @param {boolean} [nonRetryable]\n * @returns {Error}'}
 */
function taskError(name${ts ? ': string' : ''}, message${ts ? ': string' : ''}, code${ts ? '?: string' : ''}, nonRetryable = false)${ts ? ': Error' : ''} {
  return Object.assign(new Error(message), { name, ...(code === undefined ? {} : { code }), ...(nonRetryable ? { nonRetryable } : {}) });
}
`;
}

/**
 * A module whose default export answers each example's input with its output (or fails with its error, as
 * the example says), and fails with a `NotImplemented` error (code `NOT_IMPLEMENTED`, not retried) for any
 * other input: a typed starting point that passes its own verification.
 */
export function templateCode(taskId: string, definition: TaskDefinition, types: { input: string; output: string }, language: CodeLanguage, options: GenerateOptions): string {
  const names = taskFileNames(taskId, language);
  const ts = language === 'typescript';
  const comments = options.includeComments !== false;
  const examples = (definition.examples ?? []).map((e) => ({ input: e.input, ...('output' in e ? { output: e.output } : {}), ...(e.error ? { error: e.error } : {}) }));
  const exampleType = `{ input: unknown; output?: ${types.output}; error?: { name?: string; message?: string; code?: string } }`;
  const doc = [
    comments && definition.description ? ` * ${comment(definition.description)}` : undefined,
    comments ? ` * Retry: ${retrySummary(definition)}. Timeout: ${timeoutSummary(definition)}.` : undefined,
    comments ? ' * Written by the runtime-core template: it answers the examples of the document; replace the body with the real work.' : undefined,
    ts ? undefined : ` * @param {import('${names.typesImportPath}').${types.input}} input`,
    ts ? undefined : ` * @returns {Promise<import('${names.typesImportPath}').${types.output}>}`,
  ].filter((line): line is string => line !== undefined);
  return `${ts ? `import type { ${types.input}, ${types.output} } from '${names.typesImportPath}';\n\n` : ''}${comments ? '/** The examples of the document, answered until the real implementation is written. */\n' : ''}${ts ? '' : `/** @type {ReadonlyArray<${exampleType.replace(types.output, `import('${names.typesImportPath}').${types.output}`)}>} */\n`}const EXAMPLES${ts ? `: ReadonlyArray<${exampleType}>` : ''} = ${jsonLiteral(examples)};

${helpers(ts)}
/**
${doc.join('\n')}
 */
export default async function ${names.identifier}(input${ts ? `: ${types.input}` : ''})${ts ? `: Promise<${types.output}>` : ''} {
  const example = EXAMPLES.find((candidate) => sameJson(candidate.input, input));
  if (example?.error) {
    const { name = 'Error', message = ${JSON.stringify(`Task "${taskId}" failed as its example says`)}, code } = example.error;
    throw taskError(name, message, code);
  }
  if (example && example.output !== undefined) return structuredClone(example.output);
  throw taskError(${JSON.stringify(NOT_IMPLEMENTED)}, \`Task ${taskId.replace(/[`$\\]/g, '')} is not implemented for input \${JSON.stringify(input)}: write it in ${names.implementation}\`, 'NOT_IMPLEMENTED', true);
}
`;
}

/**
 * The skeleton's own test: an input no example has (a sample of the input schema, from
 * `runtime-core/testing`) is answered with `NotImplemented`, not with a made-up output.
 */
export function templateTests(taskId: string, definition: TaskDefinition, language: CodeLanguage): string {
  const names = taskFileNames(taskId, language);
  const ts = language === 'typescript';
  const examplesAt = definition.examples?.length ? `; its examples are tested in ${names.examples}` : '';
  return `// The test of the skeleton runtime-core's template wrote for task "${taskId}"${examplesAt}.
import { describe, expect, it } from 'vitest';
import { findExample, sampleFromSchema } from 'runtime-core/testing';
import ${names.identifier} from '${names.importPath}';

const definition = ${jsonLiteral({ input: definition.input ?? {}, examples: (definition.examples ?? []).map((e) => ({ input: e.input })) })};

describe(${JSON.stringify(`${taskId}: skeleton`)}, () => {
  it('fails with NotImplemented for an input no example has', async () => {
    const input = sampleFromSchema(definition.input);
    if (findExample(definition, input)) return; // The sample is an example: nothing to show here.
    await expect(${names.identifier}(input${ts ? ` as Parameters<typeof ${names.identifier}>[0]` : ''})).rejects.toMatchObject({ name: ${JSON.stringify(NOT_IMPLEMENTED)}, code: 'NOT_IMPLEMENTED' });
  });
});
`;
}
