// Options with their defaults applied in one place, and checked early with messages that name the field.
import type OpenAI from 'openai';
import { RuntimeCoreError } from '../errors.js';
import type { CodeGenerationProgress, CodeGenerationProvider, CodeGeneratorOptions, CodeLanguage, GenerateOptions } from './types.js';

/** {@link CodeGeneratorOptions} with every default applied. */
export interface ResolvedGeneratorOptions {
  provider: CodeGenerationProvider;
  model: string;
  apiKey: string | undefined;
  baseURL: string | undefined;
  client: OpenAI | undefined;
  maxAttempts: number;
  requestTimeoutMs: number;
  maxRetries: number;
  verifyTimeoutMs: number;
  onProgress: (event: CodeGenerationProgress) => void;
}

/** {@link GenerateOptions} with every default applied. */
export type ResolvedGenerateOptions = Required<GenerateOptions>;

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

function whole(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new RuntimeCoreError('CLI_USAGE', `CodeGenerator option ${name} must be an integer of at least ${min}; got ${String(value)}`);
  return value;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** Applies the defaults (environment variables included) and checks the numbers. */
export function resolveGeneratorOptions(options: CodeGeneratorOptions, env: NodeJS.ProcessEnv = process.env): ResolvedGeneratorOptions {
  const provider = options.provider ?? 'openai';
  if (provider !== 'openai' && provider !== 'template') throw new RuntimeCoreError('CLI_USAGE', `CodeGenerator option provider must be 'openai' or 'template'; got ${JSON.stringify(provider)}`);
  return {
    provider,
    model: provider === 'template' ? 'template' : (nonEmpty(options.model) ?? nonEmpty(env.OPENAI_MODEL) ?? DEFAULT_MODEL),
    apiKey: nonEmpty(options.apiKey) ?? nonEmpty(env.OPENAI_API_KEY),
    baseURL: nonEmpty(options.baseURL) ?? nonEmpty(env.OPENAI_BASE_URL),
    client: options.client,
    maxAttempts: whole('maxAttempts', options.maxAttempts, DEFAULT_MAX_ATTEMPTS, 1),
    requestTimeoutMs: whole('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, 1),
    maxRetries: whole('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES, 0),
    verifyTimeoutMs: whole('verifyTimeoutMs', options.verifyTimeoutMs, DEFAULT_VERIFY_TIMEOUT_MS, 1),
    onProgress: options.onProgress ?? (() => undefined),
  };
}

/** Applies the defaults of one generation. */
export function resolveGenerateOptions(options: GenerateOptions): ResolvedGenerateOptions {
  const language: CodeLanguage = options.language ?? 'typescript';
  if (language !== 'typescript' && language !== 'javascript') throw new RuntimeCoreError('CLI_USAGE', `language must be 'typescript' or 'javascript'; got ${JSON.stringify(language)}`);
  return {
    language,
    includeComments: options.includeComments ?? true,
    includeTests: options.includeTests ?? true,
    includeErrorHandling: options.includeErrorHandling ?? true,
  };
}
