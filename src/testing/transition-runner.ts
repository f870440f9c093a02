import type { AnyActorRef } from 'xstate';
import type { SystemDefinition } from '../dsl/schema.js';
import { TaskGate } from './task-gate.js';
import { createTestRuntime, type TestRuntime } from './test-runtime.js';
import { stateText, type Trace } from './trace.js';
import type { PathEvent, PathModel } from './transition-model.js';
import type { TransitionTestCase, TransitionTestOptions } from './transition-test-case.js';

/** Why a generated case failed: where on its path, and what the instance went through (in the message). */
export class TransitionTestError extends Error {
  override readonly name = 'TransitionTestError';
  readonly code = 'TRANSITION_TEST_FAILED';

  constructor(
    message: string,
    readonly testCase: TransitionTestCase,
    /** 0 for the start, else the number of events done. */
    readonly step: number,
    /** The state the instance was in. */
    readonly actual: string,
  ) {
    super(message);
  }
}

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
};

/** One line for a path step: `send order.paid {"amount":1}`, `chargeCard answers {…}`, `ask_legal:backoff fires (5000ms)`. */
export function describePathEvent(event: PathEvent): string {
  switch (event.kind) {
    case 'event':
      return `send ${event.type} ${preview(event.payload)}`;
    case 'task': {
      const task = event.stepId === event.taskId ? event.taskId : `${event.taskId} (step ${event.stepId})`;
      return 'output' in event.outcome ? `${task} answers ${preview(event.outcome.output)}` : `${task} fails with ${event.outcome.error.name}`;
    }
    case 'timer':
      return `${event.actorId} fires (${event.delayMs}ms)`;
  }
}

/** The instance a case drives. */
interface Driven {
  instanceId: string;
  actor: { getSnapshot(): { value: unknown; status: string; children: Record<string, AnyActorRef | undefined> } };
  trace: Trace;
  cancel?: () => void;
}

/** Runs a generated case: a fresh test runtime, a fresh instance, gated tasks, the path's events, a check after each. */
export async function runCase(system: SystemDefinition, testCase: TransitionTestCase, model: PathModel, options: TransitionTestOptions): Promise<void> {
  const t = createTestRuntime(system, { ...(options.implementations ? { tasks: options.implementations } : {}), useExamples: options.useExamples ?? false });
  const gate = new TaskGate();
  for (const taskId of model.target.taskIds) t.registerTaskImplementation(taskId, gate.implementation(taskId));
  try {
    const { kind, id } = testCase.target;
    const instanceId = `${id}:test`;
    let driven: Driven;
    if (kind === 'process') {
      driven = t.createProcess(id, { instanceId, ...(options.context ? { context: options.context } : {}) }) as unknown as Driven;
    } else {
      const handle = t.startFlow(id, testCase.input, { instanceId });
      driven = { instanceId, actor: handle.actor as unknown as Driven['actor'], trace: handle.trace, cancel: () => handle.cancel() };
    }
    await t.settle();
    check(t, driven, testCase, 0, testCase.initialState, gate);
    for (const [index, event] of testCase.events.entries()) {
      await perform(t, driven, event, gate, testCase, index);
      await t.settle();
      check(t, driven, testCase, index + 1, testCase.states[index] as string, gate);
    }
  } finally {
    t.stop();
  }
}

async function perform(t: TestRuntime, driven: Driven, event: PathEvent, gate: TaskGate, testCase: TransitionTestCase, index: number): Promise<void> {
  const fail = (why: string): never => {
    throw new TransitionTestError(`${testCase.name}: step ${index + 1} (${describePathEvent(event)}): ${why}`, testCase, index + 1, stateText(driven.actor.getSnapshot().value));
  };
  switch (event.kind) {
    case 'event':
      try {
        if (event.type === 'flow.cancel' && driven.cancel) driven.cancel();
        else t.sendEvent(event.type, event.payload ?? {}, { instanceId: driven.instanceId });
      } catch (error) {
        fail(`sendEvent threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
      return;
    case 'task':
      if (!gate.release(event.taskId, event.stepId, event.outcome, testCase.target.kind === 'process')) {
        fail(`task ${event.taskId} is not running in step ${event.stepId} (waiting: ${gate.waiting().join(', ') || 'nothing'})`);
      }
      return;
    case 'timer': {
      const child = driven.actor.getSnapshot().children[event.actorId];
      const deadline = (child?.getSnapshot() as { deadline?: unknown } | undefined)?.deadline;
      if (typeof deadline !== 'number') fail(`no timer "${event.actorId}" is running`);
      await t.advanceTo(Math.max(deadline as number, t.now()));
      return;
    }
  }
}

function check(t: TestRuntime, driven: Driven, testCase: TransitionTestCase, step: number, expected: string, gate: TaskGate): void {
  const snapshot = driven.actor.getSnapshot();
  const actual = stateText(snapshot.value);
  if (actual === expected && snapshot.status !== 'error') return;
  const where = step === 0 ? 'at the start' : `after step ${step} (${describePathEvent(testCase.events[step - 1] as PathEvent)})`;
  const errors = t.logs.filter((entry) => entry.level === 'error').map((entry) => `  ${entry.message}`);
  const lines = [
    `${testCase.name}: ${where} expected "${expected}" but the instance is in "${actual}"${snapshot.status === 'error' ? ' (it crashed)' : ''}`,
    'Path:',
    `  0. start → ${testCase.initialState}`,
    ...testCase.events.slice(0, step).map((event, i) => `  ${i + 1}. ${describePathEvent(event)} → ${testCase.states[i] ?? '?'}`),
    'What the instance went through:',
    ...driven.trace.steps.map((s) => `  ${s.event.type}${s.event.payload === undefined ? '' : ` ${preview(s.event.payload)}`} → ${s.state}`),
    ...(gate.waiting().length ? [`Tasks waiting: ${gate.waiting().join(', ')}`] : []),
    ...(errors.length ? ['Errors logged:', ...errors] : []),
  ];
  throw new TransitionTestError(lines.join('\n'), testCase, step, actual);
}
