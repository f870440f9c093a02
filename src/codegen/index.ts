// Code generation: task and flow implementations written by a model (or a template), verified before use.
export { CodeGenerator } from './generator.js';
export { generateTaskCode, generateFlowCode } from './standalone.js';
export type { GenerateCodeOptions, GenerateCodeResult } from './standalone.js';
export type { TaskReference } from './task-reference.js';
export { CodeGenerationError } from './codegen-error.js';
export type { CodeGenerationFailureReason } from './codegen-error.js';
export type {
  CodeGeneratorOptions,
  CodeGenerationProvider,
  CodeGenerationProgress,
  CodeLanguage,
  GenerateOptions,
  GeneratedCode,
  GeneratedFlowCode,
  VerificationReport,
} from './types.js';
