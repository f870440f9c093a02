// The template provider: a typed skeleton that answers the task's examples, written without a model.
import type { TaskDefinition } from '../dsl/schema.js';
import { badInput, INVALID_INPUT, inputCheckCode, inputRules } from './template-input-check.js';
import { jsonLiteral, taskFileNames } from './task-files.js';
import { retrySummary, timeoutSummary } from './task-summary.js';
import type { CodeLanguage, GenerateOptions } from './types.js';

/** The name of the error a skeleton throws for an input none of its examples has. */
export const NOT_IMPLEMENTED = 'NotImplemented';

const comment = (text: string): string => text.replace(/\*\//g, '* /');

/** A doc block of the lines that are kept: comments when asked for, JSDoc types always in JavaScript. */
function docBlock(lines: ReadonlyArray<string | false | undefined>): string {
  const kept = lines.filter((line): line is string => typeof line === 'string');
  return kept.length === 0 ? '' : `/**\n${kept.map((line) => ` * ${line}`).join('\n')}\n */\n`;
}

/** The skeleton's two helpers, typed in TypeScript or through JSDoc. */
function helpers(ts: boolean, comments: boolean): string {
  const cast = (expression: string, type: string) => (ts ? `${expression} as ${type}` : `/** @type {${type}} */ (${expression})`);
  return `${docBlock([comments && 'JSON equality: the same keys (in any order) and values.', !ts && '@param {unknown} a', !ts && '@param {unknown} b', !ts && '@returns {boolean}'])}function sameJson(a${ts ? ': unknown' : ''}, b${ts ? ': unknown' : ''})${ts ? ': boolean' : ''} {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const x = ${cast('a', 'Record<string, unknown>')};
  const y = ${cast('b', 'Record<string, unknown>')};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((key) => Object.hasOwn(y, key) && sameJson(x[key], y[key]));
}

${docBlock([comments && 'An error carrying `name` and `code` the way the runtime reads them.', !ts && '@param {string} name', !ts && '@param {string} message', !ts && '@param {string} [code]', !ts && '@param {boolean} [nonRetryable]', !ts && '@returns {Error}'])}function taskError(name${ts ? ': string' : ''}, message${ts ? ': string' : ''}, code${ts ? '?: string' : ''}, nonRetryable = false)${ts ? ': Error' : ''} {
  return Object.assign(new Error(message), { name, ...(code === undefined ? {} : { code }), ...(nonRetryable ? { nonRetryable } : {}) });
}
`;
}

/**
 * A module whose default export answers each example's input with its output (or fails with its error, as
 * the example says), and fails with a `NotImplemented` error (code `NOT_IMPLEMENTED`, not retried) for any
 * other input: a typed starting point that passes its own verification. `includeComments` adds TSDoc (a
 * JavaScript skeleton keeps its JSDoc types either way); `includeErrorHandling` checks the input against what
 * its schema asks and throws `TaskFailure`s from `runtime-core` (`InvalidInput`, `NotImplemented`) that are
 * never retried.
 */
export function templateCode(taskId: string, definition: TaskDefinition, types: { input: string; output: string }, language: CodeLanguage, options: GenerateOptions): string {
  const names = taskFileNames(taskId, language);
  const ts = language === 'typescript';
  const comments = options.includeComments !== false;
  const errors = options.includeErrorHandling !== false;
  const rules = errors ? inputRules(definition.input) : undefined;
  const examples = (definition.examples ?? []).map((e) => ({ input: e.input, ...('output' in e ? { output: e.output } : {}), ...(e.error ? { error: e.error } : {}) }));
  const exampleType = `{ input: unknown; output?: ${types.output}; error?: { name?: string; message?: string; code?: string } }`;
  const doc = docBlock([
    comments && definition.description ? comment(definition.description) : undefined,
    comments && `Retry: ${retrySummary(definition)}. Timeout: ${timeoutSummary(definition)}.`,
    comments && 'Written by the runtime-core template: it answers the examples of the document; replace the body with the real work.',
    comments && errors && `@throws ${rules ? `${INVALID_INPUT.name} (code ${INVALID_INPUT.code}) for input its schema does not allow, and ` : ''}${NOT_IMPLEMENTED} (code NOT_IMPLEMENTED) for input no example has; neither is retried.`,
    !ts && `@param {import('${names.typesImportPath}').${types.input}} input`,
    !ts && `@returns {Promise<import('${names.typesImportPath}').${types.output}>}`,
  ]);
  const notImplemented = `\`Task ${taskId.replace(/[`$\\]/g, '')} is not implemented for input \${JSON.stringify(input)}: write it in ${names.implementation}\``;
  const imports = [
    errors ? "import { TaskFailure } from 'runtime-core';" : undefined,
    ts ? `import type { ${types.input}, ${types.output} } from '${names.typesImportPath}';` : undefined,
  ].filter((line): line is string => line !== undefined);
  return `${imports.length ? `${imports.join('\n')}\n\n` : ''}${comments ? '/** The examples of the document, answered until the real implementation is written. */\n' : ''}${ts ? '' : `/** @type {ReadonlyArray<${exampleType.replace(types.output, `import('${names.typesImportPath}').${types.output}`)}>} */\n`}const EXAMPLES${ts ? `: ReadonlyArray<${exampleType}>` : ''} = ${jsonLiteral(examples)};

${helpers(ts, comments)}
${rules ? `${inputCheckCode(taskId, rules, ts, comments)}\n` : ''}${doc}export default async function ${names.identifier}(input${ts ? `: ${types.input}` : ''})${ts ? `: Promise<${types.output}>` : ''} {
${rules ? '  checkInput(input);\n' : ''}  const example = EXAMPLES.find((candidate) => sameJson(candidate.input, input));
  if (example?.error) {
    const { name = 'Error', message = ${JSON.stringify(`Task "${taskId}" failed as its example says`)}, code } = example.error;
    throw taskError(name, message, code);
  }
  if (example && example.output !== undefined) return structuredClone(example.output);
  throw ${errors ? `new TaskFailure(${JSON.stringify(NOT_IMPLEMENTED)}, ${notImplemented}, { code: 'NOT_IMPLEMENTED', nonRetryable: true })` : `taskError(${JSON.stringify(NOT_IMPLEMENTED)}, ${notImplemented}, 'NOT_IMPLEMENTED', true)`};
}
`;
}

/**
 * The skeleton's own test: an input no example has (a sample of the input schema, from
 * `runtime-core/testing`) is answered with `NotImplemented`, not with a made-up output. With
 * `includeErrorHandling`, a second test gives it input its schema does not allow and expects `InvalidInput`,
 * not retryable.
 */
export function templateTests(taskId: string, definition: TaskDefinition, language: CodeLanguage, options: GenerateOptions = {}): string {
  const names = taskFileNames(taskId, language);
  const ts = language === 'typescript';
  const examplesAt = definition.examples?.length ? `; its examples are tested in ${names.examples}` : '';
  const schemaRules = inputRules(definition.input);
  const rules = options.includeErrorHandling === false ? undefined : schemaRules;
  const bad = rules ? badInput(rules) : undefined;
  // A sample has the fields the schema describes; required ones it only names get a value here.
  const named = schemaRules?.types.includes('object') ? schemaRules.required.filter((key) => !Object.hasOwn(definition.input?.properties ?? {}, key)) : [];
  const sample = named.length === 0 ? 'sampleFromSchema(definition.input)' : `{ ...(sampleFromSchema(definition.input) as object), ${named.map((key) => `${JSON.stringify(key)}: 'sample'`).join(', ')} }`;
  const badCase =
    rules && bad !== undefined
      ? `

  it('fails with InvalidInput, not retried, for input its schema does not allow', async () => {
    await expect(${names.identifier}(${jsonLiteral(bad, '    ')}${ts ? ` as unknown as Parameters<typeof ${names.identifier}>[0]` : ''})).rejects.toMatchObject({ name: ${JSON.stringify(INVALID_INPUT.name)}, code: ${JSON.stringify(INVALID_INPUT.code)}, nonRetryable: true });
  });`
      : '';
  return `// The test of the skeleton runtime-core's template wrote for task "${taskId}"${examplesAt}.
import { describe, expect, it } from 'vitest';
import { findExample, sampleFromSchema } from 'runtime-core/testing';
import ${names.identifier} from '${names.importPath}';

const definition = ${jsonLiteral({ input: definition.input ?? {}, examples: (definition.examples ?? []).map((e) => ({ input: e.input })) })};

describe(${JSON.stringify(`${taskId}: skeleton`)}, () => {
  it('fails with NotImplemented for an input no example has', async () => {
    const input = ${ts ? sample : sample.replace('(sampleFromSchema(definition.input) as object)', '/** @type {object} */ (sampleFromSchema(definition.input))')};
    if (findExample(definition, input)) return; // The sample is an example: nothing to show here.
    await expect(${names.identifier}(input${ts ? ` as Parameters<typeof ${names.identifier}>[0]` : ''})).rejects.toMatchObject({ name: ${JSON.stringify(NOT_IMPLEMENTED)}, code: 'NOT_IMPLEMENTED' });
  });${badCase}
});
`;
}
