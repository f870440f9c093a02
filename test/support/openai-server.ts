// A small OpenAI-compatible server for tests: POST /v1/chat/completions answers from a script, one entry per request.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted response. */
export type ScriptedResponse =
  /** A completion whose content is this value as JSON (for structured output: `{ code, tests }`). */
  | { answer: unknown; delayMs?: number }
  /** A completion whose content is this text as it is (malformed JSON, prose, …). */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter'; delayMs?: number }
  /** A completion in which the model refuses. */
  | { refusal: string; delayMs?: number }
  /** An HTTP error: `{ status: 429, headers: { 'retry-after': '0.1' } }`. */
  | { status: number; headers?: Record<string, string>; error?: string; delayMs?: number };

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: ChatRequestBody;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** The part of a chat completion request the tests read. */
export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema?: Record<string, unknown> } };
  [key: string]: unknown;
}

export interface ScriptedOpenAIServer {
  /** The base URL to give the client: `http://127.0.0.1:<port>/v1`. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
  /** Appends responses to the script. */
  push(...responses: ScriptedResponse[]): void;
  /** Stops the server, cutting any connection still open. */
  close(): Promise<void>;
}

function completion(message: { content: string | null; refusal: string | null }, finishReason: string, model: string): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function respond(res: ServerResponse, response: ScriptedResponse | undefined, model: string): void {
  if (!response) return send(res, 500, { error: { message: 'the test script has no response left', type: 'server_error' } }, { 'x-should-retry': 'false' });
  if ('status' in response) {
    return send(res, response.status, { error: { message: response.error ?? `scripted HTTP ${response.status}`, type: 'scripted' } }, response.headers);
  }
  if ('refusal' in response) return send(res, 200, completion({ content: null, refusal: response.refusal }, 'stop', model));
  const content = 'answer' in response ? JSON.stringify(response.answer) : response.content;
  const finishReason = 'finishReason' in response && response.finishReason ? response.finishReason : 'stop';
  send(res, 200, completion({ content, refusal: null }, finishReason, model));
}

/** Starts a server on 127.0.0.1 (a free port) that answers chat completion requests from `script`, in order. */
export async function startOpenAIServer(script: ScriptedResponse[] = []): Promise<ScriptedOpenAIServer> {
  const queue = [...script];
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } }, { 'x-should-retry': 'false' });
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
      } catch {
        return send(res, 400, { error: { message: 'the request body is not JSON' } });
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, at });
      const response = queue.shift();
      const delay = response?.delayMs ?? 0;
      if (delay <= 0) return respond(res, response, body.model ?? 'test-model');
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(res, response, body.model ?? 'test-model');
      }, delay);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...responses) => void queue.push(...responses),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
