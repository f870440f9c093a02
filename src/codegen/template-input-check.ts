// The template's check of its input (with includeErrorHandling): what the input schema asks, as data and code.
import type { JsonSchema } from '../dsl/schema.js';
import { jsonLiteral } from './task-files.js';

/** The name and code of the error a skeleton throws for input its schema does not allow. */
export const INVALID_INPUT = { name: 'InvalidInput', code: 'INVALID_INPUT' } as const;

/** What the skeleton checks: the input's JSON types, the required fields and each field's JSON types. */
export interface InputRules {
  types: string[];
  required: string[];
  properties: Record<string, string[]>;
}

const KINDS = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

const typesOf = (schema: unknown): string[] => {
  const type = typeof schema === 'object' && schema !== null ? (schema as JsonSchema).type : undefined;
  const list = typeof type === 'string' ? [type] : Array.isArray(type) ? type : [];
  return list.every((t) => typeof t === 'string' && KINDS.has(t)) ? (list as string[]) : [];
};

/** The rules of an input schema; undefined when it asks nothing the skeleton can check. */
export function inputRules(schema: JsonSchema | undefined): InputRules | undefined {
  if (!schema) return undefined;
  const required = Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : [];
  const declared = typeof schema.properties === 'object' && schema.properties !== null ? (schema.properties as Record<string, unknown>) : {};
  const properties = Object.fromEntries(Object.entries(declared).map(([key, property]) => [key, typesOf(property)] as const).filter(([, types]) => types.length > 0));
  let types = typesOf(schema);
  if (types.length === 0 && (required.length > 0 || Object.keys(properties).length > 0)) types = ['object'];
  if (types.length === 0) return undefined;
  return { types, required, properties };
}

/** The JSON type of a value, as JSON Schema names it (`integer` for whole numbers). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

const fits = (value: unknown, types: readonly string[]): boolean => {
  const kind = kindOf(value);
  return types.length === 0 || types.includes(kind) || (kind === 'integer' && types.includes('number'));
};

/** An input the rules refuse, for the skeleton's test: the wrong type, else a missing field, else a field of the wrong type. */
export function badInput(rules: InputRules): unknown {
  const candidates: unknown[] = [null, 'not the input', 42, 1.5, true, [], {}];
  const wrongType = candidates.find((value) => !fits(value, rules.types));
  if (wrongType !== undefined) return wrongType;
  if (rules.required.length > 0) return {};
  const [key, types] = Object.entries(rules.properties)[0] ?? [];
  return key === undefined ? undefined : { [key]: candidates.find((value) => value !== null && !fits(value, types ?? [])) ?? null };
}

/** The skeleton's check, typed in TypeScript or through JSDoc: it throws a non-retryable `TaskFailure` named `InvalidInput`. */
export function inputCheckCode(taskId: string, rules: InputRules, ts: boolean, comments: boolean): string {
  const doc = (text: string, jsdoc: string): string => {
    const lines = [comments ? text : undefined, ts ? undefined : jsdoc].filter((line): line is string => line !== undefined);
    return lines.length === 0 ? '' : `/**\n${lines.map((line) => ` * ${line}`).join('\n')}\n */\n`;
  };
  const rulesType = '{ types: readonly string[]; required: readonly string[]; properties: Readonly<Record<string, readonly string[]>> }';
  return `${doc('What the input schema asks, checked here too: the function may be called without the runtime.', `@type {${rulesType}}`)}const INPUT_RULES${ts ? `: ${rulesType}` : ''} = ${jsonLiteral(rules)};

${doc('The JSON type of a value, as JSON Schema names it.', '@param {unknown} value\n * @returns {string}')}function kindOf(value${ts ? ': unknown' : ''})${ts ? ': string' : ''} {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

${doc('Whether a value has one of the JSON types (an integer is a number too).', '@param {unknown} value\n * @param {readonly string[]} types\n * @returns {boolean}')}function fits(value${ts ? ': unknown' : ''}, types${ts ? ': readonly string[]' : ''})${ts ? ': boolean' : ''} {
  const kind = kindOf(value);
  return types.length === 0 || types.includes(kind) || (kind === 'integer' && types.includes('number'));
}

${doc(`Throws ${INVALID_INPUT.name} (code ${INVALID_INPUT.code}, never retried: another attempt gets the same input) for input the schema does not allow.`, '@param {unknown} input\n * @returns {void}')}function checkInput(input${ts ? ': unknown' : ''})${ts ? ': void' : ''} {
  const invalid = ${ts ? '' : '/** @param {string} detail */ '}(detail${ts ? ': string' : ''}) =>
    new TaskFailure(${JSON.stringify(INVALID_INPUT.name)}, \`Task ${taskId.replace(/[`$\\]/g, '')} got input it cannot use: \${detail}\`, { code: ${JSON.stringify(INVALID_INPUT.code)}, nonRetryable: true });
  if (!fits(input, INPUT_RULES.types)) throw invalid(\`the input must be \${INPUT_RULES.types.join(' or ')}, not \${kindOf(input)}\`);
  if (kindOf(input) !== 'object') return;
  const fields = ${ts ? 'input as Record<string, unknown>' : '/** @type {Record<string, unknown>} */ (input)'};
  for (const key of INPUT_RULES.required) if (fields[key] === undefined) throw invalid(\`input.\${key} is required\`);
  for (const [key, types] of Object.entries(INPUT_RULES.properties)) {
    if (fields[key] !== undefined && !fits(fields[key], types)) throw invalid(\`input.\${key} must be \${types.join(' or ')}, not \${kindOf(fields[key])}\`);
  }
}
`;
}
