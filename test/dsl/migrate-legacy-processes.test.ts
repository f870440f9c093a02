import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, migrateSystem } from '../../src/dsl/migrate/index.js';
import { validateSystem } from '../../src/index.js';

function convert(doc: unknown) {
  const result = migrateSystem(doc, undefined, { registry: createMigrationRegistry() });
  expect(validateSystem(result.system).errors).toEqual([]);
  return result;
}

const process = (definition: Record<string, unknown>) => convert({ id: 's', processes: { order: { type: 'stateful', ...definition } } });

describe('legacy processes', () => {
  it('a list of states with from/to transitions becomes a statechart; trigger is on and condition is the guard', () => {
    const { system, report } = process({
      name: 'Order',
      states: ['created', 'paid', 'cancelled'],
      transitions: [
        { from: 'created', to: 'paid', on: 'order.paid', condition: 'event.amount > 0' },
        { from: 'created', to: 'cancelled', trigger: 'order.cancelled' },
        { from: 'paid', to: 'cancelled', on: 'order.cancelled', condition: 'event.refunded == true' },
        { from: 'paid', to: 'created', on: 'order.cancelled' },
      ],
      context: { amount: 0 },
    });
    expect(system.processes).toMatchInlineSnapshot(`
      {
        "order": {
          "context": {
            "amount": 0,
          },
          "description": "Order",
          "initial": "created",
          "states": {
            "cancelled": {},
            "created": {
              "on": {
                "order.cancelled": "cancelled",
                "order.paid": {
                  "guard": "event.amount > 0",
                  "target": "paid",
                },
              },
            },
            "paid": {
              "on": {
                "order.cancelled": [
                  {
                    "guard": "event.refunded == true",
                    "target": "cancelled",
                  },
                  {
                    "target": "created",
                  },
                ],
              },
            },
          },
        },
      }
    `);
    expect(report.changes).toMatchInlineSnapshot(`
      [
        {
          "kind": "removed",
          "message": "Every DSL v1 process is a statechart with a context of its own",
          "path": "processes.order.type",
        },
        {
          "kind": "renamed",
          "message": "condition is now the guard of the transition",
          "path": "processes.order.transitions[0].condition",
        },
        {
          "kind": "renamed",
          "message": "trigger is now the event of the transition (on)",
          "path": "processes.order.transitions[1].trigger",
        },
        {
          "kind": "renamed",
          "message": "condition is now the guard of the transition",
          "path": "processes.order.transitions[2].condition",
        },
        {
          "kind": "renamed",
          "message": "name is now the description",
          "path": "processes.order.name",
        },
      ]
    `);
    expect(report.inexact).toEqual([]);
  });

  it('from "*" is a transition of the process itself; a list of sources is one transition from each', () => {
    const { system } = process({
      states: ['open', 'assigned', 'waiting', 'resolved'],
      transitions: [
        { from: ['assigned', 'waiting'], to: 'resolved', on: 'ticket.resolved' },
        { from: '*', to: 'open', on: 'ticket.reopened' },
      ],
    });
    expect(system.processes?.order).toMatchInlineSnapshot(`
      {
        "initial": "open",
        "on": {
          "ticket.reopened": "open",
        },
        "states": {
          "assigned": {
            "on": {
              "ticket.resolved": "resolved",
            },
          },
          "open": {},
          "resolved": {},
          "waiting": {
            "on": {
              "ticket.resolved": "resolved",
            },
          },
        },
      }
    `);
  });

  it('state objects give descriptions, the initial state and final states; states that transitions name are added', () => {
    const { system, report } = process({
      states: ['draft', { name: 'open', type: 'initial', description: 'Visible to customers' }, { name: 'closed', type: 'final' }],
      transitions: [
        { from: 'open', to: 'closed', on: 'close' },
        { from: 'open', to: 'archived', on: 'archive' },
      ],
    });
    expect(system.processes?.order).toMatchInlineSnapshot(`
      {
        "initial": "open",
        "states": {
          "archived": {},
          "closed": {
            "type": "final",
          },
          "draft": {},
          "open": {
            "description": "Visible to customers",
            "on": {
              "archive": "archived",
              "close": "closed",
            },
          },
        },
      }
    `);
    expect(report.changes.filter((c) => c.kind === 'added')).toMatchInlineSnapshot(`
      [
        {
          "kind": "added",
          "message": "State "archived" is not in the list of states; it is added",
          "path": "processes.order.transitions[1].to",
        },
      ]
    `);
  });

  it('a condition the expression language does not read becomes a guard that never holds, and is reported', () => {
    const { system, report } = process({
      states: ['resolved', 'closed'],
      transitions: [{ from: 'resolved', to: 'closed', on: 'close', condition: 'ticket.survey && isBusinessHours()' }],
    });
    expect(system.processes?.order?.states).toMatchInlineSnapshot(`
      {
        "closed": {},
        "resolved": {
          "on": {
            "close": {
              "guard": "false",
              "target": "closed",
            },
          },
        },
      }
    `);
    expect(system.metadata?.legacy).toEqual({ 'processes.order.transitions[0].condition': 'ticket.survey && isBusinessHours()' });
    expect(report.inexact.map(({ path, kind }) => ({ path, kind }))).toEqual([{ path: 'processes.order.transitions[0].condition', kind: 'unconverted' }]);
    expect(report.inexact[0]?.message).toMatch(/^The transition's condition can't be kept: the condition is not an expression of the language .*Unknown name "ticket".*The guard is "false"/);
  });

  it('contextId puts the process in its bounded context; its triggers and tasks have no counterpart and are reported', () => {
    const { system, report } = convert({
      id: 's',
      boundedContexts: [{ id: 'sales', name: 'Sales' }],
      tasks: { charge: { type: 'operation' }, ship: { type: 'operation' } },
      processes: {
        order: { type: 'stateful', contextId: 'sales', states: ['open'], triggers: [{ type: 'user_event', name: 'order.create' }], tasks: ['charge', 'ship'] },
        stock: { type: 'stateful', contextId: 'warehouse', states: ['ok'] },
      },
    });
    expect(system.boundedContexts).toMatchInlineSnapshot(`
      {
        "sales": {
          "description": "Sales",
          "processes": [
            "order",
          ],
          "tasks": [
            "charge",
            "ship",
          ],
        },
        "warehouse": {
          "processes": [
            "stock",
          ],
        },
      }
    `);
    expect(system.metadata?.legacy).toMatchObject({
      'processes.order.triggers': [{ type: 'user_event', name: 'order.create' }],
      'processes.order.tasks': ['charge', 'ship'],
    });
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "unconverted",
          "message": "DSL v1 processes don't start on events: each process has a default instance from the start, and runtime.createProcess("order", …) spawns more; to start one per event, call it in runtime.registerEventHandler("order.create", …); kept under metadata.legacy["processes.order.triggers"]",
          "path": "processes.order.triggers",
        },
        {
          "kind": "unconverted",
          "message": "DSL v1 processes don't list tasks: a state runs one with invoke (onDone, onError), and nothing here says which state ran which task, so no state invokes them; they are listed in boundedContexts.sales.tasks; kept under metadata.legacy["processes.order.tasks"]",
          "path": "processes.order.tasks",
        },
      ]
    `);
  });

  it('a stateless process without states gets one state, and says so', () => {
    const { system, report } = process({ type: 'stateless' });
    expect(system.processes?.order).toEqual({ initial: 'idle', states: { idle: {} } });
    expect(report.changes[0]?.message).toMatch(/stateless one is a process whose context nothing changes/);
    expect(report.inexact.map((i) => i.message)).toEqual(['The process has no states, and a DSL v1 process needs one: it has the single state "idle", and nothing moves it']);
  });

  it('makes state names that contain "." or "#" valid, in transitions too', () => {
    const { system } = process({ states: ['on.hold', 'done'], transitions: [{ from: 'on.hold', to: 'done', on: 'release' }] });
    expect(system.processes?.order).toEqual({ initial: 'on_hold', states: { on_hold: { on: { release: 'done' } }, done: {} } });
  });
});
