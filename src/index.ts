// The public API of runtime-core.
export { ReactiveSystemRuntime } from './runtime/runtime.js';
export type { TaskExecutionResult, FlowHandle, StartFlowOptions, CreateProcessOptions } from './runtime/runtime.js';
export type { FlowRunOptions } from './runtime/flow-variants.js';
export type { RuntimeOptions, RuntimeLogger, Clock } from './runtime/options.js';
export type { EventHandler, EventMeta } from './runtime/event-handlers.js';
export { getEventContext } from './runtime/event-context.js';
export type { EventContext } from './runtime/event-context.js';
export type { TaskImplementation } from './runtime/task-runner.js';
export { getTaskContext } from './runtime/task-context.js';
export type { TaskContext } from './runtime/task-context.js';
export type { FlowExecutionResult, StepResult, StepStatus, FlowContext, StepRecord } from '../machines/flow-state.js';
export type { RecoveryReport, SnapshotTransform, EventAddress } from './runtime/host/instance-host.js';

export { MemoryStore } from './persistence/memory-store.js';
export { SqliteStore } from './persistence/sqlite-store.js';
export type { SqliteStoreOptions } from './persistence/sqlite-store.js';
export { PostgresStore } from './persistence/postgres-store.js';
export type { PostgresStoreOptions } from './persistence/postgres-store.js';
export { FINISHED_STATUSES, INSTANCE_STATUSES } from './persistence/store.js';
export type {
  SnapshotStore,
  InstanceStatus,
  InstanceKind,
  InstanceSummary,
  InstanceRecord,
  HistoryEntry,
  HistoryEntryType,
  NewHistoryEntry,
  SaveRequest,
  ListInstancesQuery,
  InstancePage,
  UnreadableInstance,
} from './persistence/store.js';
export { findMissingStates } from './runtime/host/compatibility.js';
export { openStore, parseStoreSpec } from './persistence/open-store.js';
export type { OpenStoreOptions, StoreSpec } from './persistence/open-store.js';

export { CodeGenerator, CodeGenerationError } from './codegen/index.js';
export { generateTaskCode, generateFlowCode } from './codegen/index.js';
export type { GenerateCodeOptions, GenerateCodeResult, TaskReference } from './codegen/index.js';
export type {
  CodeGeneratorOptions,
  CodeGenerationProvider,
  CodeGenerationProgress,
  CodeLanguage,
  GenerateOptions,
  GeneratedCode,
  GeneratedFlowCode,
  VerificationReport,
  CodeGenerationFailureReason,
} from './codegen/index.js';
export { machineHash } from './runtime/host/machine-hash.js';

export { defineSystem } from './dsl/schema.js';
export type * from './dsl/schema.js';
export { validateSystem, assertValidSystem } from './dsl/validate.js';
export { normalizeSystem, normalizeProcess } from './dsl/normalize.js';
export type { NormalizedSystem, NormalizedProcess } from './dsl/normalize.js';
export { parseDuration } from './dsl/duration.js';
export { compileRetryPolicy, retryDelayMs } from './dsl/retry-policy.js';
export type { CompiledRetryPolicy } from './dsl/retry-policy.js';
export { FlowStepType, convertFlowToDsl, convertDslToFlow } from './dsl/programmatic-flow.js';
export { loadSystemFromDsl, loadDslFile, locationsOf, DslLoadError, SUPPORTED_EXTENSIONS } from './dsl/load/index.js';
export type {
  LoadSystemOptions,
  LoadedSystem,
  DslFormat,
  SourceLocation,
  SourceLocations,
  LocatedValidationIssue,
  DslLoadProblem,
  DslLoadErrorCode,
} from './dsl/load/index.js';
export { saveSystemToDsl, DslSaveError } from './dsl/save/index.js';
export type { SaveSystemOptions, SaveSystemResult, DocumentChange } from './dsl/save/index.js';
export {
  migrateSystem,
  createMigrationRegistry,
  registerMigration,
  defaultMigrationRegistry,
  logMigrationReport,
  MigrationError,
  detectDocumentShape,
  isLegacySystem,
} from './dsl/migrate/index.js';
export type {
  MigrationResult,
  MigrateOptions,
  MigrationReport,
  MigrationChange,
  MigrationChangeKind,
  MigrationRegistry,
  MigrationTransform,
  MigrationEdge,
  RegisterMigrationOptions,
  MigrationErrorDetails,
  DocumentShape,
  LegacySystemDefinition,
} from './dsl/migrate/index.js';
export type { RuntimeFlow, RuntimeFlowStep, InputMapping, TaskExecutionOptions } from './dsl/programmatic-flow.js';
export { parseExpression, findExpressionError } from './dsl/expression/index.js';
export { compileExpression } from '../machines/expression.js';

export { compileSystem, compileFlow, compileProcess, compileSystemDefinitions } from '../compiler/system.js';
export type { CompiledSystem, CompileOptions, CompileFlowOptions, SystemMachineDefinitions } from '../compiler/system.js';
export { compileFlowDefinition } from '../compiler/flow.js';
export { MachineCatalog } from '../compiler/catalog.js';
export { compileProcessDefinition } from '../compiler/process.js';
export type { FlowMachineDefinition, ProcessMachineDefinition, MachineConfig } from '../compiler/types.js';
export { createFlowMachine, createProcessMachine } from '../machines/build.js';
export type { MachineEnvironment, TaskAttemptRequest } from '../machines/environment.js';
export { timerLogic } from '../machines/timer.js';

export {
  RuntimeCoreError,
  SystemValidationError,
  NotFoundError,
  MissingImplementationError,
  InputValidationError,
  ExpressionError,
  PersistenceError,
  ConcurrencyConflictError,
  UsageError,
  TaskFailure,
} from './errors.js';
export { toSerializedError } from './failure.js';
export type { ValidationIssue, SerializedError, ErrorCode, PersistenceErrorCode } from './errors.js';
