// Validation of a loaded document, each issue pointed at the file:line:column of the node it is about.
import { SystemValidationError, type ValidationIssue } from '../../errors.js';
import type { NormalizedSystem } from '../normalize.js';
import { safeValidateSystem } from '../validate.js';
import { count, formatLocation, listLines } from './load-error.js';
import type { SourceLocation, SourceLocations } from './locations.js';

/** A validation issue of a loaded file: the plain `path`, `code` and `message`, and where the node is written. */
export interface LocatedValidationIssue extends ValidationIssue {
  readonly location: SourceLocation;
}

/**
 * Validates and normalizes a loaded document.
 * @throws SystemValidationError whose `issues` are LocatedValidationIssues, in file order, and whose message lines
 * read `orders.dsl.ts:12:9 flows.checkout.steps[0].task: Unknown task "chrge" … [unknown_task]`.
 */
export function validateLoadedSystem(doc: unknown, locations: SourceLocations, display: string): NormalizedSystem {
  const result = safeValidateSystem(doc);
  if (result.success) return result.system;
  // A path that nothing in the file encloses (a trusted module that builds its export in code) points at the file.
  const fallback: SourceLocation = { file: locations.file, line: 1, column: 1 };
  const issues: LocatedValidationIssue[] = result.issues
    .map((issue) => ({ ...issue, location: locations.locate(issue.path) ?? fallback }))
    .sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  const lines = issues.map((i) => `${formatLocation(display, i.location)} ${i.path || '(root)'}: ${i.message} [${i.code}]`);
  const error = new SystemValidationError(issues, display);
  // SystemValidationError words its lines without locations; consumers keep its class, code and issues.
  const plain = error.message;
  error.message = `${display} is invalid (${count(issues.length, 'problem')}):\n${listLines(lines)}`;
  if (error.stack) error.stack = error.stack.replace(plain, error.message);
  throw error;
}
