// Migration of system documents: the older shape of the original Runtime Core to DSL v1, and versions along registered migrations.
export { migrateSystem, LEGACY_STEP, type MigrateOptions, type MigrationResult } from './migrate.js';
export {
  createMigrationRegistry,
  defaultMigrationRegistry,
  registerMigration,
  type MigrationEdge,
  type MigrationRegistry,
  type MigrationTransform,
  type RegisteredMigration,
  type RegisterMigrationOptions,
} from './registry.js';
export { logMigrationReport, type MigrationChange, type MigrationChangeKind, type MigrationReport, type MigrationReportLogger } from './report.js';
export { MigrationError, type MigrationErrorDetails } from './migration-error.js';
export { detectDocumentShape, isLegacySystem, type DocumentShape, type LegacySystemDefinition } from './legacy-shape.js';
export type {
  LegacyBoundedContext,
  LegacyBranch,
  LegacyField,
  LegacyFlow,
  LegacyFlowStep,
  LegacyImplementation,
  LegacyNextEntry,
  LegacyProcess,
  LegacySchema,
  LegacyState,
  LegacyTask,
  LegacyTaskType,
  LegacyTransition,
  LegacyTrigger,
} from './legacy-shape.js';
