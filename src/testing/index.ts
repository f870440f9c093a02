// runtime-core/testing: the testing kit.
export { createTestRuntime, TestRuntime } from './test-runtime.js';
export type { TestRuntimeOptions, ProcessHandle, TestFlowHandle, LogEntry } from './test-runtime.js';
export { TestClock, settle } from './clock.js';
export { TraceRecorder, leafStates, stateText, namesState, inState, visitedPrefix } from './trace.js';
export type { Trace, TraceStep, TraceEvent } from './trace.js';
export { runtimeMatchers, installMatchers } from './matchers.js';
export type { RuntimeMatchers, MatcherResult, Extendable } from './matchers.js';
export { exampleImplementation, findExample } from './examples.js';
export { TaskCallRecorder } from './task-calls.js';
export type { TaskCall } from './task-calls.js';
export { runTaskExamples, exampleMismatch } from './check-examples.js';
export type { TaskExampleResult, TaskExampleOptions } from './check-examples.js';
export { generateTransitionTests, planTransitionTests } from './transition-tests.js';
export type { TransitionTestCase, TransitionTestPlan, TransitionTestOptions, TestTarget } from './transition-tests.js';
export { TransitionTestError, describePathEvent } from './transition-runner.js';
export { UnsupportedTestTargetError } from './errors.js';
export type { PathEvent, TaskOutcome, TaskOutcomeError, MachineTransition, PathModelOptions } from './transition-model.js';
export { sampleFromSchema } from './samples.js';
