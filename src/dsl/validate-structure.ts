// Structure: the zod meta-schema, its issues turned into paths a person can follow and messages that say what to do.
import { z } from 'zod';
import type { ValidationIssue } from '../errors.js';
import { durationIssue } from './duration.js';
import { IDENTIFIER_PATTERN, systemSchema, type SystemDefinition } from './schema.js';
import { describeValue, didYouMean, formatPath, valueAt } from './validate-report.js';

type ZodIssue = z.core.$ZodIssue;

/** An issue and the raw path it was found at, so that later checks can skip what is broken. */
export interface LocatedIssue {
  readonly segments: readonly PropertyKey[];
  readonly issue: ValidationIssue;
}

/** The document, typed, when it matches the meta-schema; every mapped issue otherwise. */
export type StructureResult =
  | { readonly success: true; readonly system: SystemDefinition }
  | { readonly success: false; readonly issues: readonly LocatedIssue[] };

/** Keys whose values are durations everywhere in the meta-schema, so their problems read as `invalid_duration`. */
const DURATION_KEYS = new Set<PropertyKey>(['initialDelay', 'maxDelay', 'timeout', 'duration']);

/** What the `type` of a tagged union is called in messages, told apart by an option only that union has. */
const TYPE_KINDS: readonly (readonly [witness: string, kind: string])[] = [
  ['task', 'step type'],
  ['assign', 'action type'],
  ['http', 'implementation type'],
];

const ARTICLE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  function: 'a function',
};
const phrase = (expected: string) => ARTICLE_NOUNS[expected] ?? expected;

/** Parses `doc` against the meta-schema; on failure returns every problem, mapped. */
export function checkStructure(doc: unknown): StructureResult {
  // zod's issue for an unknown key does not list the allowed ones; the error map sees the schema and notes them.
  const allowedKeys = new WeakMap<object, readonly string[]>();
  const result = systemSchema.safeParse(doc, {
    error: (raw) => {
      if (raw.code === 'unrecognized_keys' && raw.inst instanceof z.ZodObject && typeof raw.input === 'object' && raw.input !== null) {
        allowedKeys.set(raw.input, Object.keys(raw.inst.shape));
      }
      return undefined;
    },
  });
  if (result.success) return { success: true, system: doc as SystemDefinition };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const issue = { path: '', code: 'invalid_type', message: `Expected a system document (an object with an id), received ${describeValue(doc)}` };
    return { success: false, issues: [{ segments: [], issue }] };
  }
  const mapper = new IssueMapper(doc, allowedKeys);
  return { success: false, issues: result.error.issues.flatMap((issue) => mapper.map(issue, [])) };
}

class IssueMapper {
  constructor(
    private readonly doc: unknown,
    private readonly allowedKeys: WeakMap<object, readonly string[]>,
  ) {}

  map(zodIssue: ZodIssue, base: readonly PropertyKey[]): LocatedIssue[] {
    const segments = [...base, ...zodIssue.path];
    const value = valueAt(this.doc, segments);
    const located = (code: string, message: string): LocatedIssue[] => [{ segments, issue: { path: formatPath(segments), code, message } }];

    if (zodIssue.code === 'unrecognized_keys') return this.unknownKeys(zodIssue.keys, segments, value);
    if (zodIssue.code === 'invalid_union') return this.union(zodIssue, segments, value);
    if (zodIssue.code === 'invalid_type' && value === undefined && !this.hasKey(segments)) {
      return located('missing_field', `Missing required field "${String(segments.at(-1))}"`);
    }
    if (DURATION_KEYS.has(segments.at(-1) ?? '')) {
      return located('invalid_duration', durationIssue(value, '')?.message ?? zodIssue.message);
    }
    switch (zodIssue.code) {
      case 'invalid_type':
        return located('invalid_type', `Expected ${phrase(zodIssue.expected)}, received ${describeValue(value)}`);
      case 'invalid_value': {
        const options = zodIssue.values.map((v) => JSON.stringify(v));
        const suggestion = typeof value === 'string' ? didYouMean(value, zodIssue.values.map(String)) : '';
        return located('invalid_value', `Expected one of ${options.join(', ')}, received ${describeValue(value)}${suggestion}`);
      }
      case 'invalid_format':
        return located(zodIssue.format === 'regex' && zodIssue.pattern === String(IDENTIFIER_PATTERN) ? 'invalid_id' : 'invalid_format', `${zodIssue.message}, received ${describeValue(value)}`);
      case 'invalid_key': {
        const reason = zodIssue.issues.map((i) => i.message).join('; ');
        return located('invalid_id', `${describeValue(segments.at(-1))} is not a valid id: ${reason}`);
      }
      case 'too_small':
        return located('too_small', tooSmall(zodIssue.origin, Number(zodIssue.minimum), zodIssue.inclusive ?? true, value));
      case 'too_big':
        return located('too_big', `Expected at most ${String(zodIssue.maximum)}${zodIssue.origin === 'number' ? '' : ` ${zodIssue.origin === 'string' ? 'characters' : 'items'}`}, received ${describeValue(value)}`);
      case 'custom':
        return located(typeof zodIssue.params?.code === 'string' ? zodIssue.params.code : 'invalid_value', zodIssue.message);
      default:
        return located(zodIssue.code, zodIssue.message);
    }
  }

  private hasKey(segments: readonly PropertyKey[]): boolean {
    const parent = valueAt(this.doc, segments.slice(0, -1));
    const key = segments.at(-1);
    return key !== undefined && typeof parent === 'object' && parent !== null && Object.prototype.hasOwnProperty.call(parent, key);
  }

  /** One issue per unknown key, at the key, with the keys that are allowed there. */
  private unknownKeys(keys: readonly string[], segments: readonly PropertyKey[], value: unknown): LocatedIssue[] {
    const allowed = typeof value === 'object' && value !== null ? this.allowedKeys.get(value) : undefined;
    return keys.map((key) => {
      const at = [...segments, key];
      const hint = allowed ? `${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}` : '';
      return { segments: at, issue: { path: formatPath(at), code: 'unknown_key', message: `Unknown key "${key}"${hint}` } };
    });
  }

  /**
   * A union whose options all failed. When the value has the type of one option (an object for a transition
   * object), that option's own issues say what is wrong; otherwise the message lists the accepted types.
   */
  private union(zodIssue: z.core.$ZodIssueInvalidUnion, segments: readonly PropertyKey[], value: unknown): LocatedIssue[] {
    const located = (code: string, message: string): LocatedIssue[] => [{ segments, issue: { path: formatPath(segments), code, message } }];
    if (zodIssue.discriminator !== undefined && zodIssue.errors.length === 0) {
      const options = ('options' in zodIssue ? (zodIssue.options ?? []) : []).map(String);
      const kind = TYPE_KINDS.find(([witness]) => options.includes(witness))?.[1] ?? 'type';
      const expected = `expected one of: ${options.join(', ')}`;
      if (value === undefined) return located('missing_field', `Missing required field "${String(segments.at(-1))}"; ${expected}`);
      const code = kind === 'type' ? 'invalid_value' : `unknown_${kind.replaceAll(' ', '_')}`;
      const suggestion = typeof value === 'string' ? didYouMean(value, options) : '';
      return located(code, `Unknown ${kind} ${describeValue(value)}${suggestion}; ${expected}`);
    }
    if (value === undefined && !this.hasKey(segments)) return located('missing_field', `Missing required field "${String(segments.at(-1))}"`);
    const fitting = zodIssue.errors.filter((branch) => !isTypeMismatch(branch));
    const best = fitting.reduce<ZodIssue[] | undefined>((a, b) => (a === undefined || b.length < a.length ? b : a), undefined);
    if (best) return best.flatMap((issue) => this.map(issue, segments));
    if (DURATION_KEYS.has(segments.at(-1) ?? '')) return located('invalid_duration', durationIssue(value, '')?.message ?? zodIssue.message);
    const expected = [...new Set(zodIssue.errors.map((branch) => expectedOf(branch[0]) ?? 'something else'))].map(phrase);
    const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}` : (expected[0] ?? 'something else');
    return located('invalid_type', `Expected ${list}, received ${describeValue(value)}`);
  }
}

/** A union option that failed only because the value is of another type. */
function isTypeMismatch(branch: readonly ZodIssue[]): boolean {
  const [only] = branch;
  return branch.length === 1 && only !== undefined && only.path.length === 0 && expectedOf(only) !== undefined;
}

function expectedOf(issue: ZodIssue | undefined): string | undefined {
  if (issue?.code === 'invalid_type') return issue.expected;
  if (issue?.code === 'custom' && typeof issue.params?.expected === 'string') return issue.params.expected;
  return undefined;
}

function tooSmall(origin: string, minimum: number, inclusive: boolean, value: unknown): string {
  if (origin === 'string' && minimum <= 1) return 'Expected a non-empty string';
  if (origin === 'number') return `Expected a number ${inclusive ? '≥' : '>'} ${minimum}, received ${describeValue(value)}`;
  const noun = origin === 'string' ? 'character' : 'item';
  const count = Array.isArray(value) ? value.length : typeof value === 'string' ? value.length : 0;
  return `Expected at least ${minimum} ${noun}${minimum === 1 ? '' : 's'}, found ${count}`;
}
