// What a migration did: every change, and apart from them what could not be converted exactly.

/**
 * - `converted`: rewritten in DSL v1 form with the same meaning
 * - `renamed`: the same thing under another name or field (`label` → `description`, an id made valid)
 * - `added`: declared by the migration so that the document validates (a state, a task, an event)
 * - `removed`: had no meaning in DSL v1 and nothing depended on it
 * - `preserved`: kept under `metadata.legacy` because DSL v1 has no field for it
 * - `approximated`: converted, but does not behave exactly as before (see the message)
 * - `unconverted`: could not be converted; the original is kept under `metadata.legacy`
 * - `version`: a registered migration moved the system's `version`
 */
export type MigrationChangeKind = 'converted' | 'renamed' | 'added' | 'removed' | 'preserved' | 'approximated' | 'unconverted' | 'version';

/** One change; `path` is where the construct was in the input document (`flows.checkout.steps[2].next`). */
export interface MigrationChange {
  path: string;
  kind: MigrationChangeKind;
  message: string;
}

/** What `migrateSystem` did. */
export interface MigrationReport {
  /** `'legacy'` for the older shape of the original Runtime Core, converted to DSL v1 first. */
  fromShape: 'legacy' | 'v1';
  /** The input's `version`. @default '1.0.0' when it has none */
  fromVersion: string;
  toVersion: string;
  /** What was converted exactly, in the order it was done. */
  changes: MigrationChange[];
  /** What could not be converted exactly, and why. Disjoint from `changes`: together they are the whole report. */
  inexact: MigrationChange[];
}

/** Where values with no place in DSL v1 go, keyed by their path in the input. */
export const LEGACY_METADATA_KEY = 'legacy';

/** Collects the report of one migration, and the values kept under `metadata.legacy`. */
export class MigrationLog {
  readonly changes: MigrationChange[] = [];
  readonly inexact: MigrationChange[] = [];
  readonly kept: Record<string, unknown> = {};

  change(path: string, kind: MigrationChangeKind, message: string): void {
    add(this.changes, { path, kind, message });
  }

  approximate(path: string, message: string): void {
    add(this.inexact, { path, kind: 'approximated', message });
  }

  /**
   * Keeps `value` under `metadata.legacy[path]`. `why` is a sentence; `lost` says whether its meaning is
   * lost (reported as inexact, kind `unconverted`) or it only had no field to go to (a change, `preserved`).
   */
  keep(path: string, value: unknown, why: string, lost: boolean): void {
    this.kept[path] = value;
    const message = `${why}; kept under metadata.legacy[${JSON.stringify(path)}]`;
    if (lost) add(this.inexact, { path, kind: 'unconverted', message });
    else add(this.changes, { path, kind: 'preserved', message });
  }
}

/** Adds a change unless the same one is there (a step copied to several places says the same thing each time). */
function add(list: MigrationChange[], change: MigrationChange): void {
  if (!list.some((c) => c.path === change.path && c.kind === change.kind && c.message === change.message)) list.push(change);
}

/** The part of a logger the report is written to (the runtime's `RuntimeLogger` fits). */
export interface MigrationReportLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** A one-line summary at info level with the changes, then each inexact item at warn level. */
export function logMigrationReport(report: MigrationReport, logger: MigrationReportLogger): void {
  const shape = report.fromShape === 'legacy' ? 'from the older shape to DSL v1' : `from version ${report.fromVersion} to ${report.toVersion}`;
  logger.info(`Migrated the system ${shape}: ${report.changes.length} change(s), ${report.inexact.length} not exact`, {
    fromShape: report.fromShape,
    fromVersion: report.fromVersion,
    toVersion: report.toVersion,
    changes: report.changes,
  });
  for (const item of report.inexact) logger.warn(`Migration: ${item.path}: ${item.message}`, { ...item });
}
