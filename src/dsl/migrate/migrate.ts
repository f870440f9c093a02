// migrateSystem: the older shape to DSL v1, then the system's version along registered migrations, with one report.
import { DEFAULT_SYSTEM_VERSION } from '../normalize.js';
import type { SystemDefinition } from '../schema.js';
import { validateSystem } from '../validate.js';
import { convertLegacySystem } from './legacy-system.js';
import { detectDocumentShape, isRecord } from './legacy-shape.js';
import { describeEdges, MigrationError } from './migration-error.js';
import { defaultMigrationRegistry, type MigrationRegistry } from './registry.js';
import { MigrationLog, type MigrationChange, type MigrationReport } from './report.js';

export interface MigrateOptions {
  /** Where the version migrations come from. @default the registry `registerMigration` adds to */
  registry?: MigrationRegistry;
  /**
   * Refuse (`NO_MIGRATION_PATH`) a target version that no chain of registered migrations reaches, instead of
   * raising the version alone when no migration is registered from the document's version.
   * @default false
   */
  strict?: boolean;
}

export interface MigrationResult {
  system: SystemDefinition;
  report: MigrationReport;
}

/** The name of the conversion of the older shape, in errors. */
export const LEGACY_STEP = 'legacy → v1';

/**
 * Brings a document up to date, in two stages that share one report:
 * 1. a document in the older shape of the original Runtime Core (see `detectDocumentShape`) is converted to DSL v1;
 * 2. its `version` is moved to `targetVersion` through the fewest registered migrations, applied in order. When
 *    no migration at all is registered from the document's version, the version alone is raised (as the original
 *    Runtime Core's `migrateSystem(system, '2.0.0')` does), listed in the report as a version-only change;
 *    `{ strict: true }` refuses instead.
 * The input is never changed. The result is validated whenever something changed.
 * @param targetVersion @default the document's own version: no version migration
 * @throws MigrationError `NO_MIGRATION_PATH` when no chain of migrations leads to `targetVersion` though some are
 * registered from the document's version (skipping them would change the document without them), or with `strict`;
 * `MIGRATION_FAILED` when a transform throws or returns no document, or the result is not a valid document.
 */
export function migrateSystem(system: unknown, targetVersion?: string, options: MigrateOptions = {}): MigrationResult {
  const registry = options.registry ?? defaultMigrationRegistry;
  const input = copyDocument(system);
  const fromShape = detectDocumentShape(input).shape;
  const fromVersion = isRecord(input) && typeof input.version === 'string' ? input.version : DEFAULT_SYSTEM_VERSION;
  const toVersion = targetVersion ?? fromVersion;
  const log = new MigrationLog();
  const report = (): MigrationReport => ({ fromShape, fromVersion, toVersion, changes: [...log.changes], inexact: [...log.inexact] });
  const fail = (code: 'MIGRATION_FAILED' | 'NO_MIGRATION_PATH', message: string, extra: { step?: string; issues?: MigrationError['issues']; document?: unknown; cause?: unknown } = {}) =>
    new MigrationError(code, message, {
      from: fromVersion,
      to: toVersion,
      edges: registry.edges(),
      ...(extra.step === undefined ? {} : { step: extra.step }),
      ...(extra.issues === undefined ? {} : { issues: extra.issues }),
      ...(extra.cause === undefined ? {} : { cause: extra.cause }),
      partial: { system: extra.document, report: report() },
    });

  const found = registry.path(fromVersion, toVersion);
  const versionOnly = !found && !options.strict && !registry.edges().some((edge) => edge.from === fromVersion);
  const path = found ?? (versionOnly ? [] : undefined);
  if (!path) {
    throw fail('NO_MIGRATION_PATH', `No migration path from version "${fromVersion}" to "${toVersion}"; registered migrations: ${describeEdges(registry.edges())}`);
  }

  let document: SystemDefinition;
  if (fromShape === 'legacy') {
    document = convertLegacySystem(input as Record<string, unknown>, log);
    assertValid(document, LEGACY_STEP, fail);
  } else {
    document = input as SystemDefinition;
  }

  for (const migration of path) {
    const step = `${migration.from} → ${migration.to}`;
    let migrated: unknown;
    try {
      migrated = migration.transform(copyDocument(document) as SystemDefinition);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw fail('MIGRATION_FAILED', `Migration ${step} failed: ${reason}`, { step, document, cause: error });
    }
    if (!isRecord(migrated)) {
      throw fail('MIGRATION_FAILED', `Migration ${step} returned ${migrated === null ? 'null' : Array.isArray(migrated) ? 'an array' : typeof migrated}, not a system document`, { step, document });
    }
    document = { ...(migrated as unknown as SystemDefinition), version: migration.to };
    const change: MigrationChange = { path: 'version', kind: 'version', message: `Migration ${step}${migration.description ? `: ${migration.description}` : ''}` };
    log.changes.push(change);
  }
  if (versionOnly) {
    document = { ...document, version: toVersion };
    log.changes.push({ path: 'version', kind: 'version', message: `Version ${fromVersion} → ${toVersion}: version-only change (no migration is registered from ${fromVersion})` });
  }
  const last = path.at(-1);
  if (last) assertValid(document, `${last.from} → ${last.to}`, fail);
  else if (versionOnly) assertValid(document, `${fromVersion} → ${toVersion}`, fail);
  return { system: document, report: report() };
}

function assertValid(
  document: SystemDefinition,
  step: string,
  fail: (code: 'MIGRATION_FAILED', message: string, extra: { step: string; issues: MigrationError['issues']; document: unknown }) => MigrationError,
): void {
  const { valid, errors } = validateSystem(document);
  if (valid) return;
  const list = errors.slice(0, 10).map((issue) => `  - ${issue.path || '(root)'}: ${issue.message} [${issue.code}]`);
  if (errors.length > 10) list.push(`  … and ${errors.length - 10} more`);
  throw fail('MIGRATION_FAILED', `The document after ${step} is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${list.join('\n')}`, { step, issues: errors, document });
}

/** A copy of the plain objects and arrays of a document; anything else (functions in code) is shared. */
function copyDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyDocument);
  if (isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyDocument(item)]));
  }
  return value;
}
