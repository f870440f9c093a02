// The `openai` provider: one chat completion per attempt, structured output, a strict parse of the answer.
import OpenAI from 'openai';
import { z } from 'zod';
import { CodeGenerationError } from './codegen-error.js';
import { ANSWER_SCHEMA, type ChatMessage } from './prompt.js';

/** What one request gave: the two modules, or an answer that is not the JSON asked for (worth another attempt). */
export type ModelAnswer =
  | { kind: 'answer'; code: string; tests: string; raw: string }
  | { kind: 'malformed'; raw: string; problem: string };

/** Where a request belongs, for the errors it may raise. */
export interface RequestSite {
  subject: string;
  attempt: number;
}

const answerSchema = z.strictObject({
  code: z.string().refine((code) => code.trim() !== '', 'code is empty'),
  tests: z.string(),
});

/** The settings a client is made from. */
export interface OpenAIClientSettings {
  apiKey: string | undefined;
  baseURL: string | undefined;
  timeoutMs: number;
  maxRetries: number;
}

/**
 * A client for OpenAI, or any OpenAI-compatible server at `baseURL`. Without a key it fails, unless a
 * `baseURL` is set: local model servers usually need none.
 */
export function createOpenAIClient(settings: OpenAIClientSettings, subject: string): OpenAI {
  if (!settings.apiKey && !settings.baseURL) {
    throw new CodeGenerationError(
      'CODEGEN_PROVIDER',
      "OPENAI_API_KEY is not set and no apiKey was given, so the 'openai' provider (the default when no provider is given) cannot reach a model: set OPENAI_API_KEY (or pass apiKey), set OPENAI_BASE_URL for a server that needs none, or generate offline with the template provider ({ provider: 'template' })",
      {
        subject,
        reason: 'no-api-key',
        attempt: 1,
      },
    );
  }
  return new OpenAI({
    apiKey: settings.apiKey || 'none',
    ...(settings.baseURL ? { baseURL: settings.baseURL } : {}),
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
}

function providerError(error: unknown, site: RequestSite, client: OpenAI, timeoutMs: number): CodeGenerationError {
  const at = { subject: site.subject, attempt: site.attempt, cause: error };
  const where = client.baseURL;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new CodeGenerationError('CODEGEN_PROVIDER', `The model server at ${where} did not answer within ${timeoutMs}ms (attempt ${site.attempt} for "${site.subject}")`, { ...at, reason: 'timeout' });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new CodeGenerationError('CODEGEN_PROVIDER', `Could not reach the model server at ${where}: ${error.message}`, { ...at, reason: 'connection' });
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const retried = error.status === 429 || error.status >= 500 ? ' (after the client retried it)' : '';
    return new CodeGenerationError('CODEGEN_PROVIDER', `The model server at ${where} answered HTTP ${error.status}${retried}: ${error.message}`, { ...at, reason: 'http', status: error.status });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CodeGenerationError('CODEGEN_PROVIDER', `The request to the model server at ${where} failed: ${message}`, { ...at, reason: 'connection' });
}

/** Reads an answer strictly: one JSON object with a non-empty string `code` and a string `tests`, nothing more. */
export function parseAnswer(raw: string): ModelAnswer {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { kind: 'malformed', raw, problem: `it is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    return { kind: 'malformed', raw, problem: `it does not have the shape {"code": string, "tests": string} (${issues.join('; ')})` };
  }
  return { kind: 'answer', raw, code: parsed.data.code, tests: parsed.data.tests };
}

/** Asks a chat model for code with structured output; the client's own retries handle 408, 429 (`retry-after`) and 5xx. */
export class OpenAIProvider {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;

  /** `timeoutMs` and `maxRetries` apply to each request, an injected client's included. */
  constructor(client: OpenAI, model: string, limits: { timeoutMs: number; maxRetries: number }) {
    this.#client = client;
    this.model = model;
    this.#timeoutMs = limits.timeoutMs;
    this.#maxRetries = limits.maxRetries;
  }

  /** Sends the conversation; a refusal, an HTTP error, a timeout or a lost connection throws `CODEGEN_PROVIDER`. */
  async complete(messages: readonly ChatMessage[], site: RequestSite): Promise<ModelAnswer> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(
        {
          model: this.model,
          messages: [...messages],
          response_format: { type: 'json_schema', json_schema: { name: 'task_implementation', strict: true, schema: ANSWER_SCHEMA } },
        },
        { timeout: this.#timeoutMs, maxRetries: this.#maxRetries },
      );
    } catch (error) {
      throw providerError(error, site, this.#client, this.#timeoutMs);
    }
    const choice = completion.choices[0];
    const refusal = choice?.message.refusal;
    if (refusal || choice?.finish_reason === 'content_filter') {
      throw new CodeGenerationError('CODEGEN_PROVIDER', `The model refused to write "${site.subject}": ${refusal || 'its content filter stopped the answer'}`, {
        subject: site.subject,
        reason: 'refusal',
        attempt: site.attempt,
      });
    }
    const raw = choice?.message.content ?? '';
    if (choice?.finish_reason === 'length') return { kind: 'malformed', raw, problem: 'it was cut off at the token limit; write shorter code and tests' };
    if (!raw.trim()) return { kind: 'malformed', raw, problem: 'it was empty' };
    return parseAnswer(raw);
  }
}
