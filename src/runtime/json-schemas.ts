import { z } from 'zod';
import type { JsonSchema } from '../dsl/schema.js';
import type { ValidationIssue } from '../errors.js';
import { childPath } from '../dsl/validate-report.js';

const compiled = new WeakMap<JsonSchema, z.ZodType>();

const formatPath = (path: readonly PropertyKey[], root: string): string =>
  path.reduce<string>((out, key) => childPath(out, typeof key === 'number' ? key : String(key)), root);

/** Checks a value against a JSON Schema (compiled once per schema object with `z.fromJSONSchema`). */
export function checkJsonSchema(schema: JsonSchema, value: unknown, root: string): ValidationIssue[] {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType;
    compiled.set(schema, validator);
  }
  const result = validator.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: formatPath(issue.path, root), code: issue.code, message: issue.message }));
}

/** Why a value cannot cross a boundary as JSON, or undefined when it can. */
export function jsonProblem(value: unknown, path = 'output'): string | undefined {
  // Checked without building paths first: a task's output is nearly always fine, and this runs once per attempt.
  return isJsonData(value, []) ? undefined : describeProblem(value, path, new Set());
}

/** Whether `value` is JSON data: finite numbers, plain objects and arrays, no cycles (`ancestors` holds the path down). */
function isJsonData(value: unknown, ancestors: object[]): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (ancestors.includes(value)) return false;
      ancestors.push(value);
      let ok = true;
      if (Array.isArray(value)) {
        for (const item of value) if (!(ok = isJsonData(item, ancestors))) break;
      } else {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) ok = false;
        else for (const key in value) if (!(ok = isJsonData((value as Record<string, unknown>)[key], ancestors))) break;
      }
      ancestors.pop();
      return ok;
    }
    default:
      return false;
  }
}

/** The first problem that keeps `value` from being JSON, with the path to it. */
function describeProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} refers back to itself (a cycle)`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return `${path} is a ${(value as object).constructor?.name ?? 'class instance'}, not plain JSON data`;
      }
      seen.add(value);
      const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v]) : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v]);
      for (const [childPath, child] of entries) {
        const problem = describeProblem(child, childPath, seen);
        if (problem) return problem;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return `${path} is a ${typeof value}, which JSON cannot hold`;
  }
}
