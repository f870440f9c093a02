import { childPath } from '../../dsl/validate-report.js';
import { getTaskContext } from '../task-context.js';
import type { BuiltinTaskFactory } from './builtin-task.js';
import { compileInputExpression } from './input-expression.js';
import { TaskFailure } from './task-failure.js';
import { compileTemplate } from './template.js';

/** How much of an error response's body its failure message quotes. */
const BODY_PREVIEW_CHARS = 200;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** 4xx means the request is wrong and will stay wrong, except a timeout (408) and a rate limit (429). */
const isRetryableStatus = (status: number) => status < 400 || status >= 500 || status === 408 || status === 429;

/**
 * `{ type: 'http', url, method?, headers?, body? }`: one fetch per attempt, aborted with the attempt's
 * signal (timeout, cancel). The response's JSON is the output (its text when it is not JSON, null when empty);
 * a non-2xx status fails with `HttpError`, code `HTTP_<status>`.
 */
export const createHttpTask: BuiltinTaskFactory<'http'> = (http, { taskId, expressions }) => {
  const method = http.method ?? 'GET';
  // A value that starts the url may be a whole base URL; values after it are path segments or query values.
  const path = childPath(childPath('tasks', taskId), 'implementation');
  const url = compileTemplate(http.url, expressions, {
    where: `the url of task "${taskId}"`,
    path: childPath(path, 'url'),
    encode: (text, atStart) => (atStart ? text : encodeURIComponent(text)),
  });
  const headers = Object.entries(http.headers ?? {}).map(
    ([name, value]) => [name, compileTemplate(value, expressions, { where: `header "${name}" of task "${taskId}"`, path: childPath(childPath(path, 'headers'), name) })] as const,
  );
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = http.body === undefined ? (input: unknown) => input : compileInputExpression(http.body, expressions);

  return async (input) => {
    const { signal, idempotencyKey } = getTaskContext();
    const target = checkedUrl(url(input), taskId);
    const requestHeaders = new Headers();
    for (const [name, render] of headers) requestHeaders.set(name, render(input));
    if (!requestHeaders.has('idempotency-key')) requestHeaders.set('idempotency-key', idempotencyKey);
    const payload = hasBody ? encodeBody(body(input), requestHeaders) : undefined;

    let response: Response;
    let text: string;
    try {
      response = await fetch(target, { method, headers: requestHeaders, signal, ...(payload === undefined ? {} : { body: payload }) });
      text = await response.text();
    } catch (error) {
      // Aborted: the attempt has already ended (timed out, cancelled) and nobody reads this failure.
      if (signal.aborted) throw error;
      const cause = (error as { cause?: { message?: unknown } }).cause;
      const reason = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
      throw new TaskFailure('HttpError', `${method} ${target} failed: ${reason}`, { code: 'HTTP_NETWORK', cause: error });
    }
    if (!response.ok) {
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      const preview = text.length > BODY_PREVIEW_CHARS ? `${text.slice(0, BODY_PREVIEW_CHARS)}…` : text;
      throw new TaskFailure('HttpError', `${method} ${target} answered ${status}${preview ? `: ${preview}` : ''}`, {
        code: `HTTP_${response.status}`,
        nonRetryable: !isRetryableStatus(response.status),
      });
    }
    return decodeBody(text, response.headers.get('content-type'));
  };
};

function checkedUrl(url: string, taskId: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === 'http:' || protocol === 'https:') return url;
  throw new TaskFailure('HttpError', `The url of task "${taskId}" is ${JSON.stringify(url)}, not an absolute http or https URL`, { code: 'HTTP_INVALID_URL', nonRetryable: true });
}

/** JSON, with content-type application/json unless the headers say otherwise; a string for another content-type goes as it is. */
function encodeBody(value: unknown, headers: Headers): string | undefined {
  if (value === undefined) return undefined;
  const type = headers.get('content-type');
  if (type === null) headers.set('content-type', 'application/json');
  else if (typeof value === 'string' && !JSON_TYPE.test(type)) return value;
  return JSON.stringify(value);
}

/** JSON when it is declared (or nothing is declared) and parses; the text otherwise; null for no body. */
function decodeBody(text: string, type: string | null): unknown {
  if (text === '') return null;
  if (type === null || JSON_TYPE.test(type)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
