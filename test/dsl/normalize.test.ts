import { describe, expect, it } from 'vitest';
import { normalizeProcess, normalizeSystem } from '../../src/dsl/normalize.js';
import type { ProcessDefinition, SystemDefinition } from '../../src/dsl/schema.js';
import { validateSystem } from '../../src/dsl/validate.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('normalizeProcess', () => {
  it('turns the flat shape into statechart states, the first state initial', () => {
    const flat: ProcessDefinition = deepFreeze({
      description: 'A ticket',
      context: { opened: 0 },
      states: ['open', 'inProgress', 'closed'],
      transitions: [
        { from: 'open', to: 'inProgress', on: 'ticket.started' },
        { from: 'inProgress', to: 'closed', on: 'ticket.closed', guard: 'event.resolved' },
        { from: 'inProgress', to: 'open', on: 'ticket.closed' },
        { from: 'open', to: 'closed', on: 'ticket.closed' },
      ],
      on: { 'ticket.reset': 'open' },
    });
    expect(normalizeProcess(flat)).toStrictEqual({
      description: 'A ticket',
      context: { opened: 0 },
      initial: 'open',
      states: {
        open: { on: { 'ticket.started': { target: 'inProgress' }, 'ticket.closed': { target: 'closed' } } },
        inProgress: {
          // transitions on the same event become guarded alternatives, in order
          on: { 'ticket.closed': [{ target: 'closed', guard: 'event.resolved' }, { target: 'open' }] },
        },
        closed: {},
      },
      on: { 'ticket.reset': 'open' },
    });
  });

  it('keeps an explicit initial state of the flat shape', () => {
    expect(normalizeProcess({ initial: 'b', states: ['a', 'b'] })).toStrictEqual({ initial: 'b', states: { a: {}, b: {} } });
  });

  it('accepts the flat shape without transitions', () => {
    expect(normalizeProcess({ states: ['only'] })).toStrictEqual({ initial: 'only', states: { only: {} } });
  });

  it('fills initial of compound states with their first child, at every depth', () => {
    const normalized = normalizeProcess(
      deepFreeze({
        states: {
          idle: {},
          active: {
            states: {
              loading: { states: { first: {}, second: {} } },
              ready: {},
            },
          },
          chosen: { initial: 'y', states: { x: {}, y: {} } },
        },
      }),
    );
    expect(normalized.initial).toBe('idle');
    expect(normalized.states.active?.initial).toBe('loading');
    expect(normalized.states.active?.states?.loading?.initial).toBe('first');
    expect(normalized.states.chosen?.initial).toBe('y');
    expect(normalized.states.idle).toStrictEqual({});
  });

  it('gives parallel states and processes no initial state', () => {
    const normalized = normalizeProcess({
      type: 'parallel',
      states: { left: { type: 'parallel', states: { a: { states: { a1: {} } }, b: {} } }, right: {} },
    });
    expect('initial' in normalized).toBe(false);
    expect('initial' in (normalized.states.left ?? {})).toBe(false);
    expect(normalized.states.left?.states?.a?.initial).toBe('a1');
  });

  it('does not mutate its input', () => {
    const process: ProcessDefinition = { states: { a: { states: { b: {} } } } };
    normalizeProcess(process);
    expect(process).toStrictEqual({ states: { a: { states: { b: {} } } } });
  });
});

describe('normalizeSystem', () => {
  const system: SystemDefinition = {
    id: 'tickets',
    tasks: { notify: {} },
    processes: { ticket: { states: ['open', 'closed'], transitions: [{ from: 'open', to: 'closed', on: 'close' }] } },
  };

  it('normalizes every process and sets version to 1.0.0 when it is missing', () => {
    expect(normalizeSystem(deepFreeze(system))).toStrictEqual({
      id: 'tickets',
      version: '1.0.0',
      tasks: { notify: {} },
      processes: { ticket: { initial: 'open', states: { open: { on: { close: { target: 'closed' } } }, closed: {} } } },
    });
  });

  it('keeps a given version and adds no processes record', () => {
    expect(normalizeSystem({ id: 's', version: '2.3.0' })).toStrictEqual({ id: 's', version: '2.3.0' });
  });

  it('produces a document that still validates', () => {
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
    expect(validateSystem(normalizeSystem(system))).toEqual({ valid: true, errors: [] });
  });
});
