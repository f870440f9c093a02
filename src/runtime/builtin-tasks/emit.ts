import { getTaskContext } from '../task-context.js';
import type { BuiltinTaskFactory } from './builtin-task.js';
import { compileInputExpression } from './input-expression.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `{ type: 'emit', event, payload? }`: sends `event` through the task context and outputs `{ emitted: event }`.
 * As with the process `emit` action, an object payload is sent as it is and any other value as `{ value }`.
 */
export const createEmitTask: BuiltinTaskFactory<'emit'> = (emit, { expressions }) => {
  const payload = emit.payload === undefined ? (input: unknown) => input : compileInputExpression(emit.payload, expressions);
  return (input) => {
    const value = payload(input);
    getTaskContext().emit(emit.event, isRecord(value) ? value : value === undefined ? {} : { value });
    return { emitted: emit.event };
  };
};
