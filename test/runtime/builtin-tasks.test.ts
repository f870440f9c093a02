import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, validateSystem, type SystemDefinition } from '../../src/index.js';
import { ExpressionCache } from '../../machines/expression.js';
import { SystemValidationError } from '../../src/errors.js';
import { BUILTIN_TASKS, createBuiltinTask } from '../../src/runtime/builtin-tasks/index.js';
import { createClock } from '../support/time.js';

// ─── a real HTTP server ───────────────────────────────────────────────────────

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the connection of an unanswered request closes. */
  closed: Promise<void>;
}

type Route = (request: ReceivedRequest, response: ServerResponse) => void;

const received: ReceivedRequest[] = [];
const waiting: ((request: ReceivedRequest) => void)[] = [];
let route: Route = (_request, response) => response.end();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), closed };
    received.push(request);
    route(request, res);
    waiting.shift()?.(request);
  });
});
let base = '';

/** The next request the server receives. */
const nextRequest = () => new Promise<ReceivedRequest>((resolve) => waiting.push(resolve));

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  received.length = 0;
  route = (_request, response) => response.end();
});

function start(system: SystemDefinition) {
  const clock = createClock();
  return { clock, rt: new ReactiveSystemRuntime(system, { clock }) };
}

/** Resolves with the payload of the next event of `type`. */
function nextEvent(rt: ReactiveSystemRuntime, type: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const off = rt.registerEventHandler(type, (payload) => {
      off();
      resolve(payload as Record<string, unknown>);
    });
  });
}

const retry = { maxAttempts: 3, initialDelay: '1s', backoff: 'fixed' } as const;

// ─── http ─────────────────────────────────────────────────────────────────────

describe('http tasks', () => {
  const httpSystem = () =>
    defineSystem({
      id: 'http',
      tasks: {
        createUser: {
          retry,
          implementation: {
            type: 'http',
            method: 'POST',
            url: `${base}/users/{{input.id}}?q={{input.q}}`,
            headers: { authorization: 'Bearer {{input.token}}', 'x-fixed': 'yes' },
            body: '{ "name": input.name, "tags": input.tags }',
          },
        },
        getThing: { retry, implementation: { type: 'http', url: `${base}/things/{{input.id}}` } },
        postInput: { retry, implementation: { type: 'http', method: 'PUT', url: `${base}/echo` } },
        fromBase: { implementation: { type: 'http', url: '{{input.base}}/items/{{input.id}}' } },
        slow: { timeout: '5s', implementation: { type: 'http', url: `${base}/slow` } },
      },
      flows: { fetch: { steps: [{ id: 'get', type: 'task', task: 'getThing', input: '{ "id": input.id }' }] } },
    });

  it('sends the method, templated path, headers and JSON body, and outputs the JSON response', async () => {
    const { rt } = start(httpSystem());
    route = (_request, res) => json(res, 201, { created: true, id: 42 });
    const result = await rt.executeTask('createUser', { id: 42, q: 'a b/c', token: 't0k', name: 'Ada', tags: ['x'] });
    expect(result).toEqual({ success: true, output: { created: true, id: 42 }, attempts: 1 });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/users/42?q=a%20b%2Fc', body: '{"name":"Ada","tags":["x"]}' });
    expect(request?.headers).toMatchObject({ authorization: 'Bearer t0k', 'x-fixed': 'yes', 'content-type': 'application/json' });
    expect(request?.headers['idempotency-key']).toMatch(/^createUser-\d+\/createUser\/1$/);
  });

  it('sends no body with GET, the input as JSON by default otherwise, and outputs text or null when the answer is not JSON', async () => {
    const { rt } = start(httpSystem());
    route = (request, res) => {
      if (request.url === '/things/7') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('{"looks":"like json"}');
      } else res.writeHead(204).end();
    };
    expect(await rt.executeTask('getThing', { id: 7 })).toEqual({ success: true, output: '{"looks":"like json"}', attempts: 1 });
    expect(await rt.executeTask('postInput', { a: [1, 2] })).toEqual({ success: true, output: null, attempts: 1 });
    expect(received.map(({ method, url, body, headers }) => ({ method, url, body, type: headers['content-type'] }))).toEqual([
      { method: 'GET', url: '/things/7', body: '', type: undefined },
      { method: 'PUT', url: '/echo', body: '{"a":[1,2]}', type: 'application/json' },
    ]);
  });

  it('inserts a value that starts the url as it is, and encodes the others', async () => {
    const { rt } = start(httpSystem());
    route = (request, res) => json(res, 200, { url: request.url });
    expect(await rt.executeTask('fromBase', { base, id: 'a/b' })).toMatchObject({ success: true, output: { url: '/items/a%2Fb' } });
  });

  it('retries a 500 with the task\'s backoff, driven by the clock, and succeeds on the 200', async () => {
    const { rt, clock } = start(httpSystem());
    let calls = 0;
    route = (_request, res) => (++calls === 1 ? res.writeHead(500, { 'content-type': 'text/plain' }).end('down for maintenance') : json(res, 200, { id: 1 }));
    const retrying = nextEvent(rt, 'task.retrying');
    const pending = rt.executeTask('getThing', { id: 1 });
    expect(await retrying).toMatchObject({
      attempt: 1,
      delayMs: 1000,
      error: { name: 'HttpError', code: 'HTTP_500', message: `GET ${base}/things/1 answered 500 Internal Server Error: down for maintenance` },
    });
    await clock.advance(999);
    expect(received).toHaveLength(1);
    const second = nextRequest();
    await clock.advance(1);
    await second;
    expect(await pending).toEqual({ success: true, output: { id: 1 }, attempts: 2 });
    expect(received).toHaveLength(2);
  });

  it('does not retry a 404, and quotes at most 200 characters of the answer', async () => {
    const { rt } = start(httpSystem());
    route = (_request, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('x'.repeat(500));
    const result = await rt.executeTask('getThing', { id: 'missing' });
    expect(result).toEqual({
      success: false,
      attempts: 1,
      error: { name: 'HttpError', code: 'HTTP_404', nonRetryable: true, message: `GET ${base}/things/missing answered 404 Not Found: ${'x'.repeat(200)}…` },
    });
    expect(received).toHaveLength(1);
  });

  it('retries 408 and 429 like server errors', async () => {
    const { rt, clock } = start(httpSystem());
    const statuses = [429, 408, 200];
    route = (_request, res) => json(res, statuses[received.length - 1] ?? 500, { ok: true });
    const pending = rt.executeTask('getThing', { id: 1 });
    for (const _ of [1, 2]) {
      const next = nextRequest();
      await clock.advance(1000);
      await next;
    }
    expect(await pending).toEqual({ success: true, output: { ok: true }, attempts: 3 });
  });

  it('aborts the request when the attempt times out: the server sees the connection close', async () => {
    const { rt, clock } = start(httpSystem());
    route = () => undefined; // never answers
    const arrived = nextRequest();
    const pending = rt.executeTask('slow', {});
    const request = await arrived;
    await clock.advance(5000);
    expect(await pending).toEqual({ success: false, attempts: 1, error: { name: 'TimeoutError', message: 'Step "slow" timed out after 5000ms' } });
    await request.closed;
  });

  it('aborts the request when its flow is cancelled', async () => {
    const { rt } = start(httpSystem());
    route = () => undefined;
    const arrived = nextRequest();
    const handle = rt.startFlow('fetch', { id: 3 });
    const request = await arrived;
    handle.cancel();
    await request.closed;
    expect(await handle.result()).toMatchObject({ success: false });
  });

  it('retries a network error', async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, '127.0.0.1', resolve));
    const deadPort = (closedServer.address() as AddressInfo).port;
    await new Promise((resolve) => closedServer.close(resolve));
    const { rt, clock } = start(defineSystem({ id: 'net', tasks: { call: { retry: { maxAttempts: 2, initialDelay: '1s' }, implementation: { type: 'http', url: `http://127.0.0.1:${deadPort}/x` } } } }));
    const retrying = nextEvent(rt, 'task.retrying');
    const pending = rt.executeTask('call', {});
    expect(await retrying).toMatchObject({ error: { name: 'HttpError', code: 'HTTP_NETWORK', message: expect.stringContaining('ECONNREFUSED') } });
    const failed = nextEvent(rt, 'task.failed');
    await clock.advance(1000);
    await failed;
    expect(await pending).toMatchObject({ success: false, attempts: 2, error: { code: 'HTTP_NETWORK' } });
  });

  it('fails without retry when a template value is missing', async () => {
    const { rt } = start(httpSystem());
    expect(await rt.executeTask('getThing', {})).toEqual({
      success: false,
      attempts: 1,
      error: {
        name: 'TemplateError',
        code: 'TEMPLATE_VALUE_MISSING',
        nonRetryable: true,
        message: '{{input.id}} in the url of task "getThing" is undefined; give the task an input that has it',
      },
    });
    expect(await rt.executeTask('fromBase', { base: 'ftp://files', id: 1 })).toMatchObject({ success: false, attempts: 1, error: { code: 'HTTP_INVALID_URL', nonRetryable: true } });
    expect(received).toHaveLength(0);
  });
});

// ─── transform, mock, emit ────────────────────────────────────────────────────

describe('transform tasks', () => {
  const system = defineSystem({
    id: 'transform',
    tasks: {
      total: { retry, implementation: { type: 'transform', expression: '{ "total": sum(map(input.lines, l => l.qty * l.price)), "count": len(input.lines) }' } },
      spread: { retry, implementation: { type: 'transform', expression: '[...input.n]' } },
      double: { implementation: { type: 'transform', expression: 'input * 2' } },
    },
    flows: {
      pipeline: {
        steps: [
          { id: 'sum', type: 'task', task: 'total' },
          { id: 'twice', type: 'task', task: 'double', input: 'steps.sum.total' },
        ],
      },
    },
  });

  it('outputs the expression over { input }, and a document alone runs a flow of them', async () => {
    const { rt } = start(system);
    const lines = [{ qty: 2, price: 3 }, { qty: 1, price: 4 }];
    expect(await rt.executeTask('total', { lines })).toEqual({ success: true, output: { total: 10, count: 2 }, attempts: 1 });
    expect(await rt.executeFlow('pipeline', { lines })).toMatchObject({ success: true, output: 20 });
  });

  it('fails without retry when the expression fails to evaluate', async () => {
    const { rt } = start(system);
    expect(await rt.executeTask('spread', { n: 5 })).toMatchObject({
      success: false,
      attempts: 1,
      error: { name: 'ExpressionError', code: 'EXPRESSION_EVALUATION', nonRetryable: true, message: expect.stringContaining('Spread in an array expects an array') },
    });
  });
});

describe('mock tasks', () => {
  const examples = [
    { input: { amount: 5, currency: 'EUR' }, output: { chargeId: 'ch_5' } },
    { input: { amount: -1 }, error: { name: 'CardDeclined', message: 'declined', code: 'E_DECLINED' } },
    { input: { amount: 7 }, output: { chargeId: 'ch_7' } },
  ];
  const system = defineSystem({
    id: 'mock',
    tasks: {
      charge: { retry: { ...retry, nonRetryable: ['CardDeclined'] }, examples, implementation: { type: 'mock' } },
      fixed: { examples, implementation: { type: 'mock', output: { chargeId: 'fixed' } } },
      onlyErrors: { retry, examples: [{ input: 1, error: { name: 'Boom' } }], implementation: { type: 'mock' } },
    },
  });

  it('answers with the example whose input deep-equals the input, else output, else the first example\'s output', async () => {
    const { rt } = start(system);
    expect(await rt.executeTask('charge', { currency: 'EUR', amount: 5 })).toEqual({ success: true, output: { chargeId: 'ch_5' }, attempts: 1 });
    expect(await rt.executeTask('charge', { amount: 7 })).toMatchObject({ output: { chargeId: 'ch_7' } });
    expect(await rt.executeTask('fixed', { amount: 7 })).toMatchObject({ output: { chargeId: 'ch_7' } });
    expect(await rt.executeTask('fixed', { amount: 8 })).toMatchObject({ output: { chargeId: 'fixed' } });
    expect(await rt.executeTask('charge', { amount: 8 })).toMatchObject({ output: { chargeId: 'ch_5' } });
  });

  it('fails with an example\'s error, under the task\'s retry policy', async () => {
    const { rt } = start(system);
    expect(await rt.executeTask('charge', { amount: -1 })).toEqual({ success: false, attempts: 1, error: { name: 'CardDeclined', message: 'declined', code: 'E_DECLINED' } });
  });

  it('fails with MockNoMatch, not retried, when nothing answers; an example\'s error is retried by the policy', async () => {
    const { rt, clock } = start(system);
    expect(await rt.executeTask('onlyErrors', 2)).toEqual({
      success: false,
      attempts: 1,
      error: { name: 'MockNoMatch', code: 'MOCK_NO_MATCH', nonRetryable: true, message: 'Mock of task "onlyErrors" has no example whose input equals 2, and no output to fall back on' },
    });
    const pending = rt.executeTask('onlyErrors', 1);
    await clock.advance(1000);
    await clock.advance(1000);
    expect(await pending).toEqual({ success: false, attempts: 3, error: { name: 'Boom', message: 'Mock of task "onlyErrors" failed as its example says' } });
  });

  it('answers with a copy: changing an output does not change the examples', async () => {
    const { rt } = start(system);
    const first = await rt.executeTask('charge', { amount: 7 });
    (first.output as { chargeId: string }).chargeId = 'changed';
    expect((await rt.executeTask('charge', { amount: 7 })).output).toEqual({ chargeId: 'ch_7' });
  });
});

describe('emit tasks', () => {
  const system = defineSystem({
    id: 'emit',
    events: { 'order.flagged': {}, 'order.noted': {} },
    tasks: {
      flag: { implementation: { type: 'emit', event: 'order.flagged', payload: '{ "orderId": input.id, "reason": "fraud" }' } },
      note: { implementation: { type: 'emit', event: 'order.noted' } },
    },
    processes: {
      order: { initial: 'open', states: { open: { on: { 'order.flagged': { target: 'held', guard: 'event.reason == "fraud"' } } }, held: {} } },
    },
  });

  it('sends the event with the payload expression and outputs { emitted }', async () => {
    const { rt } = start(system);
    const flagged = nextEvent(rt, 'order.flagged');
    expect(await rt.executeTask('flag', { id: 'o-1' })).toEqual({ success: true, output: { emitted: 'order.flagged' }, attempts: 1 });
    expect(await flagged).toEqual({ orderId: 'o-1', reason: 'fraud' });
    expect(rt.getProcessState('order')).toBe('held');
  });

  it('sends the input by default; a value that is not an object as { value }', async () => {
    const { rt } = start(system);
    const noted: unknown[] = [];
    rt.registerEventHandler('order.noted', (payload) => void noted.push(payload));
    await rt.executeTask('note', { text: 'hi' });
    await rt.executeTask('note', 'plain');
    expect(noted).toEqual([{ text: 'hi' }, { value: 'plain' }]);
  });
});

// ─── resolution ───────────────────────────────────────────────────────────────

describe('resolving a task\'s implementation', () => {
  const system = defineSystem({
    id: 'resolve',
    tasks: {
      shout: { implementation: { type: 'transform', expression: 'upper(input)' } },
      plain: {},
    },
  });

  it('uses the built-in kind when nothing is registered, and a registered implementation whenever there is one', async () => {
    const { rt } = start(system);
    expect(await rt.executeTask('shout', 'hi')).toMatchObject({ output: 'HI' });
    rt.registerTaskImplementation('shout', async (input: string) => `${input}!`);
    expect(await rt.executeTask('shout', 'hi')).toMatchObject({ output: 'hi!' });
  });

  it('counts built-in tasks as implemented when a task has no implementation', async () => {
    const { rt } = start(system);
    await expect(rt.executeTask('plain', {})).rejects.toMatchObject({ code: 'NO_IMPLEMENTATION', message: expect.stringContaining('(implemented: shout)') });
  });

  it('creates each built-in implementation once, on first use', async () => {
    const factory = vi.spyOn(BUILTIN_TASKS, 'transform');
    try {
      const { rt } = start(system);
      expect(factory).not.toHaveBeenCalled();
      const outputs = await Promise.all(['a', 'b', 'c'].map((word) => rt.executeTask('shout', word)));
      expect(outputs.map((r) => r.output)).toEqual(['A', 'B', 'C']);
      expect(factory).toHaveBeenCalledTimes(1);
    } finally {
      factory.mockRestore();
    }
  });
});

// ─── validation ───────────────────────────────────────────────────────────────

describe('validating implementations', () => {
  it('reports every invalid config at a path a person can follow', () => {
    const result = validateSystem({
      id: 'broken',
      events: { 'order.placed': {} },
      tasks: {
        kind: { implementation: { type: 'grpc' } },
        noType: { implementation: { url: 'https://x' } },
        noUrl: { implementation: { type: 'http' } },
        typo: { implementation: { type: 'http', url: 'https://x', methd: 'POST' } },
        method: { implementation: { type: 'http', url: 'https://x', method: 'get' } },
        relative: { implementation: { type: 'http', url: '/users/{{input.id}}' } },
        unclosed: { implementation: { type: 'http', url: 'https://x/{{input.id' } },
        badTemplate: { implementation: { type: 'http', url: 'https://x/{{input.}}', headers: { 'bad header': 'x', auth: '{{steps.a}}' } } },
        getBody: { implementation: { type: 'http', url: 'https://x', body: 'input' } },
        badBody: { implementation: { type: 'http', url: 'https://x', method: 'POST', body: '{ "a": }' } },
        transform: { implementation: { type: 'transform', expression: 'steps.a + context.b' } },
        noExpression: { implementation: { type: 'transform' } },
        mock: { implementation: { type: 'mock' } },
        emit: { implementation: { type: 'emit', event: 'order.placd', payload: 'input.' } },
      },
    });
    expect(result.valid).toBe(false);
    expect(result.errors).toMatchInlineSnapshot(`
      [
        {
          "code": "unknown_implementation_type",
          "message": "Unknown implementation type "grpc"; expected one of: http, transform, mock, emit",
          "path": "tasks.kind.implementation.type",
        },
        {
          "code": "missing_field",
          "message": "Missing required field "type"; expected one of: http, transform, mock, emit",
          "path": "tasks.noType.implementation.type",
        },
        {
          "code": "missing_field",
          "message": "Missing required field "url"",
          "path": "tasks.noUrl.implementation.url",
        },
        {
          "code": "unknown_key",
          "message": "Unknown key "methd" (did you mean "method"?); allowed keys: type, url, method, headers, body",
          "path": "tasks.typo.implementation.methd",
        },
        {
          "code": "invalid_value",
          "message": "Expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", received "get" (did you mean "GET"?)",
          "path": "tasks.method.implementation.method",
        },
        {
          "code": "missing_field",
          "message": "Missing required field "expression"",
          "path": "tasks.noExpression.implementation.expression",
        },
        {
          "code": "invalid_url",
          "message": "Expected an absolute http or https URL such as "https://api.example.com/users/{{input.id}}", received "/users/{{input.id}}"",
          "path": "tasks.relative.implementation.url",
        },
        {
          "code": "template_syntax",
          "message": "Unclosed "{{" at position 10 in template "https://x/{{input.id"; write {{expression}}",
          "path": "tasks.unclosed.implementation.url",
        },
        {
          "code": "expression_syntax",
          "message": "Invalid expression in template "https://x/{{input.}}": Expected a property name after "." but found the end of the expression at position 6 in expression "input."",
          "path": "tasks.badTemplate.implementation.url",
        },
        {
          "code": "invalid_header_name",
          "message": ""bad header" is not a valid header name: use letters, digits and !#$%&'*+-.^_\`|~ only",
          "path": "tasks.badTemplate.implementation.headers["bad header"]",
        },
        {
          "code": "unavailable_name",
          "message": "A task's implementation reads only input, not steps; map what the task needs into its input where the task is called",
          "path": "tasks.badTemplate.implementation.headers.auth",
        },
        {
          "code": "body_not_allowed",
          "message": "A GET request has no body; remove body, or set method to POST, PUT, PATCH or DELETE",
          "path": "tasks.getBody.implementation.body",
        },
        {
          "code": "expression_syntax",
          "message": "Invalid expression: Expected an expression but found "}" at position 7 in expression "{ \\"a\\": }"",
          "path": "tasks.badBody.implementation.body",
        },
        {
          "code": "unavailable_name",
          "message": "A task's implementation reads only input, not steps; map what the task needs into its input where the task is called",
          "path": "tasks.transform.implementation.expression",
        },
        {
          "code": "unavailable_name",
          "message": "A task's implementation reads only input, not context; map what the task needs into its input where the task is called",
          "path": "tasks.transform.implementation.expression",
        },
        {
          "code": "mock_without_answers",
          "message": "A mock answers from the task's examples or from its output, and this task has neither; add examples to the task or an output to the mock",
          "path": "tasks.mock.implementation",
        },
        {
          "code": "unknown_event",
          "message": "Event "order.placd" is not declared in events (did you mean "order.placed"?); known events: order.placed (lifecycle events task.*, flow.* and process.* need no declaration)",
          "path": "tasks.emit.implementation.event",
        },
        {
          "code": "expression_syntax",
          "message": "Invalid expression: Expected a property name after "." but found the end of the expression at position 6 in expression "input."",
          "path": "tasks.emit.implementation.payload",
        },
      ]
    `);
  });

  it('accepts every kind written well', () => {
    expect(
      validateSystem({
        id: 'fine',
        tasks: {
          http: { implementation: { type: 'http', url: 'https://api.example.com/u/{{input.id}}', method: 'POST', headers: { 'x-id': '{{input.id}}' }, body: '{ "a": {"b": 1} }' } },
          dynamic: { implementation: { type: 'http', url: '{{input.base}}/{{ {"a": {"b": 1}}.a.b }}' } },
          transform: { implementation: { type: 'transform', expression: 'input' } },
          mock: { implementation: { type: 'mock', output: null } },
          emit: { implementation: { type: 'emit', event: 'anything' } },
        },
      }),
    ).toEqual({ valid: true, errors: [] });
  });

  it('a document that skipped validation: a template that does not parse fails as validation would, at its path', () => {
    const create = (implementation: { type: 'http'; url: string; headers?: Record<string, string> }) =>
      createBuiltinTask('fetchUser', { implementation }, new ExpressionCache());
    const url = (() => {
      try {
        create({ type: 'http', url: 'https://x/{{input.id' });
      } catch (error) {
        return error;
      }
    })();
    expect(url).toBeInstanceOf(SystemValidationError);
    expect(url).toMatchObject({
      code: 'SYSTEM_INVALID',
      issues: [{ path: 'tasks.fetchUser.implementation.url', code: 'template_syntax', message: expect.stringMatching(/^Unclosed "\{\{" at position 10/) }],
      message: expect.stringMatching(/^The template in the url of task "fetchUser" is invalid \(1 problem\)/),
    });
    expect(() => create({ type: 'http', url: 'https://x', headers: { 'x-id': '{{}}' } })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'tasks.fetchUser.implementation.headers["x-id"]', code: 'template_syntax' })] }),
    );
  });
});
