import type { ExpressionCache } from '../../../machines/expression.js';
import { parseTemplate } from '../../dsl/validate-task.js';
import { SystemValidationError } from '../../errors.js';
import { compileInputExpression, type InputExpression } from './input-expression.js';
import { TaskFailure } from './task-failure.js';

/** A compiled `text {{expression}} text` template: renders a string from the task's input. */
export type RenderTemplate = (input: unknown) => string;

export interface TemplateOptions {
  /** What the template is, for messages: `the url of task "getUser"`. */
  readonly where: string;
  /** Where the template is in the document, for the error of one that does not parse: `tasks.getUser.implementation.url`. */
  readonly path: string;
  /** Turns an inserted value into text; `atStart` when the template begins with it. @default as is */
  readonly encode?: (text: string, atStart: boolean) => string;
}

/**
 * Compiles a template once. Validation has checked its syntax; a template that does not parse (a document that
 * was not validated) throws the `SystemValidationError` validation would have reported.
 */
export function compileTemplate(source: string, expressions: ExpressionCache, options: TemplateOptions): RenderTemplate {
  const parsed = parseTemplate(source);
  if ('error' in parsed) throw new SystemValidationError([{ path: options.path, ...parsed.error }], `The template in ${options.where}`);
  const encode = options.encode ?? ((text: string) => text);
  const parts = parsed.parts.map((part, index): RenderTemplate => {
    if ('text' in part) return () => part.text;
    const evaluate: InputExpression = compileInputExpression(part.expression, expressions);
    return (input) => encode(templateText(evaluate(input), part.expression, options.where), index === 0);
  });
  if (parts.length === 1 && parts[0]) return parts[0];
  return (input) => parts.map((render) => render(input)).join('');
}

/** Strings as they are, numbers and booleans as written, other data as JSON; nothing is an error, not ''. */
function templateText(value: unknown, expression: string, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) {
    throw new TaskFailure('TemplateError', `{{${expression}}} in ${where} is ${String(value)}; give the task an input that has it`, {
      code: 'TEMPLATE_VALUE_MISSING',
      nonRetryable: true,
    });
  }
  return JSON.stringify(value);
}
