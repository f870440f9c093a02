import { RuntimeCoreError, type ValidationIssue } from '../../errors.js';
import type { MigrationEdge } from './registry.js';
import type { MigrationReport } from './report.js';

export interface MigrationErrorDetails {
  /** The version migration started from. */
  from: string;
  /** The version asked for. */
  to: string;
  /** The migrations registered when it failed. */
  edges: readonly MigrationEdge[];
  /** The step that failed: `'1.0.0 → 1.1.0'`, or `'legacy → v1'` for the conversion of the older shape. */
  step?: string;
  /** Validation problems of the document the step produced. */
  issues?: readonly ValidationIssue[];
  /** The document as far as it got, and the report so far, for tools that show or repair it. */
  partial?: { system: unknown; report: MigrationReport };
  cause?: unknown;
}

/**
 * A migration that could not be done: `NO_MIGRATION_PATH` when no chain of registered migrations leads from
 * `from` to `to`; `MIGRATION_FAILED` when a step threw or produced an invalid document.
 */
export class MigrationError extends RuntimeCoreError {
  override readonly name = 'MigrationError';
  declare readonly code: 'MIGRATION_FAILED' | 'NO_MIGRATION_PATH';
  readonly from: string;
  readonly to: string;
  readonly edges: readonly MigrationEdge[];
  readonly step: string | undefined;
  readonly issues: readonly ValidationIssue[];
  readonly partial: { system: unknown; report: MigrationReport } | undefined;

  constructor(code: 'MIGRATION_FAILED' | 'NO_MIGRATION_PATH', message: string, details: MigrationErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.from = details.from;
    this.to = details.to;
    this.edges = details.edges;
    this.step = details.step;
    this.issues = details.issues ?? [];
    this.partial = details.partial;
  }
}

/** `1.0.0 → 1.1.0, 1.1.0 → 2.0.0`, or `none`. */
export function describeEdges(edges: readonly MigrationEdge[]): string {
  return edges.length === 0 ? 'none' : edges.map((edge) => `${edge.from} → ${edge.to}`).join(', ');
}
