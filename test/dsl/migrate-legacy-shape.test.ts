import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, detectDocumentShape, isLegacySystem, migrateSystem } from '../../src/dsl/migrate/index.js';
import { defineSystem, validateSystem } from '../../src/index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/legacy/${name}`, import.meta.url), 'utf8'));

describe('detectDocumentShape', () => {
  it('names the constructs that show a document is in the older shape', () => {
    const shape = detectDocumentShape(fixture('order-system.json'));
    expect(shape.shape).toBe('legacy');
    expect(shape.markers.slice(0, 8)).toMatchInlineSnapshot(`
      [
        "processes.order.type",
        "processes.order.contextId",
        "processes.order.triggers",
        "processes.order.tasks",
        "processes.order.id",
        "processes.order.name",
        "processes.order.transitions[2]",
        "processes.order.transitions[3]",
      ]
    `);
    expect(isLegacySystem(fixture('ticket-system.json'))).toBe(true);
    expect(detectDocumentShape(fixture('ticket-system.json')).markers).toContain('processes (a list)');
  });

  it('takes a valid DSL v1 document, flat process shape included, for v1', () => {
    const v1 = defineSystem({
      id: 'orders',
      tasks: { charge: { description: 'Charge', input: { type: 'object' }, implementation: { type: 'mock', output: {} } } },
      processes: {
        light: { states: ['off', 'on'], transitions: [{ from: 'off', to: 'on', on: 'toggle' }] },
        order: { initial: 'pending', states: { pending: { on: { paid: 'done' } }, done: { type: 'final' } } },
      },
      flows: { pay: { trigger: 'order.placed', steps: [{ id: 'charge', type: 'task', task: 'charge' }, { id: 'p', type: 'parallel', branches: [[]] }] } },
    });
    expect(detectDocumentShape(v1)).toEqual({ shape: 'v1', markers: [] });
    expect(isLegacySystem(v1)).toBe(false);
  });

  it('calls anything that is not an object v1, for validation to explain', () => {
    expect(detectDocumentShape(null).shape).toBe('v1');
    expect(detectDocumentShape([1, 2]).shape).toBe('v1');
    expect(detectDocumentShape('orders').shape).toBe('v1');
  });

  it('sees each kind of marker', () => {
    const markers = (doc: unknown) => detectDocumentShape(doc).markers;
    expect(markers({ id: 's', processes: { p: { contextId: 'c', states: ['a'] } } })).toEqual(['processes.p.contextId']);
    expect(markers({ id: 's', processes: { p: { states: ['a', 'b'], transitions: [{ from: 'a', to: 'b', trigger: 'go' }] } } })).toEqual(['processes.p.transitions[0]']);
    expect(markers({ id: 's', tasks: { t: { input: ['a'] } } })).toEqual(['tasks.t.input']);
    expect(markers({ id: 's', tasks: { t: { implementation: { type: 'function', code: 'x' } } } })).toEqual(['tasks.t.implementation']);
    expect(markers({ id: 's', flows: { f: { steps: [{ id: 'a', type: 'task', taskId: 't' }] } } })).toEqual(['flows.f.steps[0].taskId']);
    expect(markers({ id: 's', flows: { f: { steps: [{ id: 'a', type: 'decision' }] } } })).toEqual(['flows.f.steps[0].type']);
    expect(markers({ id: 's', flows: { f: { steps: [{ id: 'p', type: 'parallel', branches: [{ id: 'b', steps: ['a'] }] }] } } })).toEqual(['flows.f.steps[0].branches']);
    expect(markers({ id: 's', flows: { f: { trigger: { type: 'event', name: 'e' }, steps: [] } } })).toEqual(['flows.f.trigger']);
  });
});

describe('a document that mixes shapes', () => {
  it('keeps its DSL v1 parts as they are and converts the older ones', () => {
    const v1Process = { initial: 'pending', states: { pending: { on: { 'order.paid': 'paid' } }, paid: { type: 'final' } } };
    const v1Flow = { trigger: 'order.placed', steps: [{ id: 'charge', type: 'task', task: 'charge', input: '{ "amount": input.total }' }, { id: 'cool', type: 'wait', duration: '1m' }] };
    const http = { type: 'http', url: 'https://pay.example.com/charges', method: 'POST' };
    const { system, report } = migrateSystem(
      {
        id: 'orders',
        tasks: { charge: { implementation: http }, notify: { type: 'notification', label: 'Notify' } },
        processes: { order: { ...v1Process, contextId: 'sales' } },
        flows: { checkout: v1Flow, notify: { steps: [{ id: 'n', type: 'task', taskId: 'notify' }] } },
      },
      undefined,
      { registry: createMigrationRegistry() },
    );
    expect(validateSystem(system).errors).toEqual([]);
    expect(system.tasks?.charge).toEqual({ implementation: http });
    expect(system.processes?.order).toEqual(v1Process);
    expect(system.flows?.checkout).toEqual(v1Flow);
    expect(system.flows?.notify?.steps).toEqual([{ id: 'n', type: 'task', task: 'notify' }]);
    expect(system.boundedContexts).toEqual({ sales: { processes: ['order'] } });
    expect(report.inexact).toEqual([]);
  });
});
