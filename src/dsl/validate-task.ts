// Checks of tasks' built-in implementations, and the `{{expression}}` templates of http urls and headers.
import { childNodes, findExpressionError, parseExpression, type AnyExpressionNode } from './expression/index.js';
import type { BuiltinImplementation, BuiltinTaskKind, TaskDefinition } from './schema.js';
import { checkEventName, checkExpression, report, type CheckContext } from './validate-context.js';
import { childPath, describeValue } from './validate-report.js';

/** A piece of a template: text, or an expression whose value is inserted. `start` is its offset in the template. */
export type TemplatePart = { readonly text: string } | { readonly expression: string; readonly start: number };

export type TemplateResult =
  | { readonly parts: readonly TemplatePart[] }
  | { readonly error: { readonly code: 'template_syntax' | 'expression_syntax'; readonly message: string } };

/**
 * Splits `text {{expression}} text`. An expression ends at the first `}}` after which it parses, so object
 * literals such as `{{ {"a": {"b": 1}} }}` work.
 */
export function parseTemplate(source: string): TemplateResult {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (let open = source.indexOf('{{'); open >= 0; open = source.indexOf('{{', from)) {
    if (open > from) parts.push({ text: source.slice(from, open) });
    const start = open + 2;
    let close = source.indexOf('}}', start);
    if (close < 0) return { error: { code: 'template_syntax', message: `Unclosed "{{" at position ${open} in template ${JSON.stringify(source)}; write {{expression}}` } };
    let firstError: string | undefined;
    for (; close >= 0; close = source.indexOf('}}', close + 1)) {
      const expression = source.slice(start, close);
      if (expression.trim() === '') {
        return { error: { code: 'template_syntax', message: `Empty "{{}}" at position ${open} in template ${JSON.stringify(source)}` } };
      }
      const problem = findExpressionError(expression);
      if (!problem) break;
      firstError ??= problem.message;
    }
    if (close < 0) return { error: { code: 'expression_syntax', message: `Invalid expression in template ${JSON.stringify(source)}: ${firstError ?? ''}` } };
    parts.push({ expression: source.slice(start, close), start });
    from = close + 2;
  }
  if (from < source.length || parts.length === 0) parts.push({ text: source.slice(from) });
  return { parts };
}

type ImplementationOf<K extends BuiltinTaskKind> = Extract<BuiltinImplementation, { type: K }>;
type ImplementationCheck<I extends BuiltinImplementation> = (cx: CheckContext, implementation: I, path: string, task: TaskDefinition) => void;

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What each built-in kind refers to; a new kind without a check is a type error. */
const IMPLEMENTATION_CHECKS: { [K in BuiltinTaskKind]: ImplementationCheck<ImplementationOf<K>> } = {
  http: (cx, http, path) => {
    const url = checkTemplate(cx, http.url, childPath(path, 'url'));
    if (url) checkUrl(cx, http.url, url, childPath(path, 'url'));
    for (const [name, value] of Object.entries(http.headers ?? {})) {
      const at = childPath(childPath(path, 'headers'), name);
      if (!HEADER_NAME.test(name)) report(cx, at, 'invalid_header_name', `${describeValue(name)} is not a valid header name: use letters, digits and !#$%&'*+-.^_\`|~ only`);
      checkTemplate(cx, value, at);
    }
    const method = http.method ?? 'GET';
    if (http.body !== undefined && (method === 'GET' || method === 'HEAD')) {
      report(cx, childPath(path, 'body'), 'body_not_allowed', `A ${method} request has no body; remove body, or set method to POST, PUT, PATCH or DELETE`);
    } else {
      checkTaskExpression(cx, http.body, childPath(path, 'body'));
    }
  },
  transform: (cx, transform, path) => checkTaskExpression(cx, transform.expression, childPath(path, 'expression')),
  mock: (cx, mock, path, task) => {
    if (!('output' in mock) && !task.examples?.length) {
      report(cx, path, 'mock_without_answers', 'A mock answers from the task\'s examples or from its output, and this task has neither; add examples to the task or an output to the mock');
    }
  },
  emit: (cx, emit, path) => {
    checkEventName(cx, emit.event, childPath(path, 'event'));
    checkTaskExpression(cx, emit.payload, childPath(path, 'payload'));
  },
};

/** Checks a task's built-in implementation, if it has one. */
export function checkTask(cx: CheckContext, task: TaskDefinition, path: string): void {
  const implementation = task.implementation;
  if (!implementation) return;
  (IMPLEMENTATION_CHECKS[implementation.type] as ImplementationCheck<BuiltinImplementation>)(cx, implementation, childPath(path, 'implementation'), task);
}

/** A task's expressions see only its input: `steps`, `context` and the others are not there. */
function checkTaskExpression(cx: CheckContext, expression: unknown, path: string): void {
  const before = cx.issues.length;
  checkExpression(cx, expression, { path });
  if (typeof expression !== 'string' || cx.issues.length > before) return;
  checkRoots(cx, parseExpression(expression), path);
}

function checkRoots(cx: CheckContext, node: AnyExpressionNode, path: string): void {
  const unavailable = new Set<string>();
  const visit = (current: AnyExpressionNode): void => {
    if (current.kind === 'root' && current.name !== 'input') unavailable.add(current.name);
    for (const child of childNodes(current)) visit(child);
  };
  visit(node);
  for (const name of unavailable) {
    report(cx, path, 'unavailable_name', `A task's implementation reads only input, not ${name}; map what the task needs into its input where the task is called`);
  }
}

/** The template's parts, or undefined after reporting why it does not parse. */
function checkTemplate(cx: CheckContext, template: string, path: string): readonly TemplatePart[] | undefined {
  const result = parseTemplate(template);
  if ('error' in result) {
    report(cx, path, result.error.code, result.error.message);
    return undefined;
  }
  for (const part of result.parts) if ('expression' in part) checkRoots(cx, parseExpression(part.expression), path);
  return result.parts;
}

/** A url must be absolute http(s), unless it starts with a template (a base URL from the input). */
function checkUrl(cx: CheckContext, template: string, parts: readonly TemplatePart[], path: string): void {
  if (parts[0] && 'expression' in parts[0]) return;
  const probe = parts.map((part) => ('text' in part ? part.text : 'x')).join('');
  let protocol: string | undefined;
  try {
    protocol = new URL(probe).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === 'http:' || protocol === 'https:') return;
  report(cx, path, 'invalid_url', `Expected an absolute http or https URL such as "https://api.example.com/users/{{input.id}}", received ${describeValue(template)}`);
}
