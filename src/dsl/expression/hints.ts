import { SCOPE_ROOTS } from './ast.js';
import { BUILTIN_FUNCTIONS, BUILTIN_NAMES, isBuiltinName, type BuiltinSignature } from './functions.js';
import type { Token } from './lexer.js';

// The wording of syntax errors: each says what was expected and what was found, and how to fix it.

/** A token as a message shows it: `"]"`, `the string "abc"`, `the end of the expression`. */
export function describeToken(source: string, token: Token): string {
  if (token.type === 'end') return 'the end of the expression';
  const text = source.slice(token.start, token.end);
  return token.type === 'string' ? `the string ${text}` : `"${text}"`;
}

/** `Unknown name "foo"; an expression can read input, …`, with a hint when the author meant a function. */
export function unknownNameMessage(name: string, locals: readonly string[], next: readonly Token[]): string {
  const readable = `an expression can read ${SCOPE_ROOTS.join(', ')}`;
  const params = locals.length > 0 ? ` and the lambda parameters ${locals.join(', ')}` : '';
  return `Unknown name ${JSON.stringify(name)}; ${readable}${params}${unknownNameHint(name, next)}`;
}

function unknownNameHint(name: string, next: readonly Token[]): string {
  const [first, second, third] = next;
  if (isBuiltinName(name)) return ` (${name} is a function: call it as ${name}(...))`;
  // Math.round(x), Object.keys(x), JSON.stringify(x), Array.isArray(x)
  if (first?.value === '.' && second?.type === 'name' && third?.value === '(') {
    const fn = second.value === 'stringify' ? 'json' : String(second.value);
    if (isBuiltinName(fn)) return `; use ${fn}(...)`;
  }
  return '';
}

/** JavaScript methods and the built-in that does the same job. */
const METHOD_EQUIVALENTS: Record<string, string> = {
  toUpperCase: 'upper',
  toLowerCase: 'lower',
  indexOf: 'contains',
  replaceAll: 'replace',
  toString: 'string',
  toFixed: 'round',
  findIndex: 'find',
  flatMap: 'map',
};

/** `Method calls are not supported: write upper(s) instead of s.toUpperCase()`. */
export function methodCallMessage(objectText: string, method: string, argsText: string | undefined): string {
  const fn = isBuiltinName(method) ? method : METHOD_EQUIVALENTS[method];
  const object = objectText.length > 40 ? `${objectText.slice(0, 37)}...` : objectText;
  const args = argsText ?? '...';
  const written = `${object}.${method}(${args})`;
  if (fn === undefined) {
    return `Method calls are not supported (${written}); call a built-in function instead: ${BUILTIN_NAMES.join(', ')}`;
  }
  return `Method calls are not supported: write ${fn}(${object}${args === '' ? '' : `, ${args}`}) instead of ${written}`;
}

/** `Unknown function "String"; did you mean string()? …`: names that differ only in case are suggested. */
export function unknownFunctionMessage(name: string): string {
  const sameLetters = BUILTIN_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
  const hint = sameLetters === undefined ? '' : ` did you mean ${sameLetters}()?`;
  return `Unknown function ${JSON.stringify(name)};${hint} the built-in functions are ${BUILTIN_NAMES.join(', ')}`;
}

/** The built-ins that take a lambda, for messages. */
export function higherOrderNames(): string {
  return BUILTIN_NAMES.filter((n) => (BUILTIN_FUNCTIONS[n] as BuiltinSignature).lambdaAt !== undefined).join(', ');
}

/** `takes 2 arguments`, `takes 1 or 2 arguments`, `takes at least 1 argument`. */
export function arityText(signature: BuiltinSignature): string {
  const { minArgs: min, maxArgs: max } = signature;
  const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  if (max === Infinity) return `takes at least ${min} ${plural(min)}`;
  if (min === max) return `takes ${min} ${plural(min)}`;
  return `takes ${min} ${max === min + 1 ? 'or' : 'to'} ${max} arguments`;
}
