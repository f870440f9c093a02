import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, migrateSystem } from '../../src/dsl/migrate/index.js';
import { validateSystem } from '../../src/index.js';

function convert(doc: unknown) {
  const result = migrateSystem(doc, undefined, { registry: createMigrationRegistry() });
  expect(validateSystem(result.system).errors).toEqual([]);
  return result;
}

const TASKS = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((id) => [id, { type: 'operation' }]));

/** Converts one flow of older steps over tasks a…e; `process` is a process that moves on `order.paid`. */
function flow(steps: unknown[], extra: Record<string, unknown> = {}) {
  const { system, report } = convert({
    id: 's',
    tasks: TASKS,
    processes: { order: { type: 'stateful', states: ['open', 'paid'], transitions: [{ from: 'open', to: 'paid', on: 'order.paid' }] } },
    flows: { f: { steps, ...extra } },
  });
  const paths = (kind?: string) => report.inexact.filter((i) => kind === undefined || i.kind === kind).map((i) => i.path);
  return { flow: system.flows?.f, system, report, paths };
}

const task = (id: string, next?: unknown, taskId = id) => ({ id, type: 'task', taskId, ...(next === undefined ? {} : { next }) });

describe('legacy flows: from a graph of steps to nested steps', () => {
  it('follows next from the first step', () => {
    const { flow: f, report } = flow([task('a', 'b'), task('b', 'c'), task('c')], { name: 'Pipeline', trigger: 'order.placed' });
    expect(f).toMatchInlineSnapshot(`
      {
        "description": "Pipeline",
        "steps": [
          {
            "id": "a",
            "task": "a",
            "type": "task",
          },
          {
            "id": "b",
            "task": "b",
            "type": "task",
          },
          {
            "id": "c",
            "task": "c",
            "type": "task",
          },
        ],
        "trigger": "order.placed",
      }
    `);
    expect(report.inexact).toEqual([]);
  });

  it('starts at the step nothing leads to when the steps are listed out of order', () => {
    const { flow: f, report } = flow([task('c'), task('b', 'c'), task('a', 'b')]);
    expect(f?.steps.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(report.changes.find((c) => c.path === 'flows.f.steps')?.message).toBe('The flow starts at step "a", the one no step leads to ("c", listed first, is reached from another step)');
  });

  it('runs steps in the order they are listed when no step has next', () => {
    const { flow: f } = flow([task('a'), task('b'), { id: 'w', type: 'wait', duration: '5m' }]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "id": "b",
          "task": "b",
          "type": "task",
        },
        {
          "duration": "5m",
          "id": "w",
          "type": "wait",
        },
      ]
    `);
  });

  it('a decision becomes an if / else-if chain that ends where its routes meet again', () => {
    const { flow: f, report } = flow([
      task('a', 'route'),
      {
        id: 'route',
        type: 'decision',
        name: 'By size',
        next: [
          { condition: 'steps.a.total > 1000', stepId: 'b' },
          { condition: 'steps.a.total > 100', stepId: 'c' },
          { condition: 'default', stepId: 'd' },
        ],
      },
      task('b', 'e'),
      task('c', 'e'),
      task('d', 'e'),
      task('e'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "else": [
            {
              "else": [
                {
                  "id": "d",
                  "task": "d",
                  "type": "task",
                },
              ],
              "id": "route_else1",
              "if": "steps.a.total > 100",
              "then": [
                {
                  "id": "c",
                  "task": "c",
                  "type": "task",
                },
              ],
              "type": "condition",
            },
          ],
          "id": "route",
          "if": "steps.a.total > 1000",
          "name": "By size",
          "then": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
          ],
          "type": "condition",
        },
        {
          "id": "e",
          "task": "e",
          "type": "task",
        },
      ]
    `);
    expect(report.inexact).toEqual([]);
  });

  it('a default route that leads straight to where the routes meet adds no else', () => {
    const { flow: f } = flow([task('a', 'route'), { id: 'route', type: 'decision', next: [{ condition: 'input.vip', stepId: 'b' }, { stepId: 'c' }] }, task('b', 'c'), task('c')]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "id": "route",
          "if": "input.vip",
          "then": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
          ],
          "type": "condition",
        },
        {
          "id": "c",
          "task": "c",
          "type": "task",
        },
      ]
    `);
  });

  it('a decision with its own condition and routes for true and false is an if / else', () => {
    const { flow: f } = flow([
      { id: 'check', type: 'decision', condition: 'input.amount > 0', next: [{ condition: false, stepId: 'b' }, { condition: 'true', stepId: 'a' }] },
      task('a'),
      task('b'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "else": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
          ],
          "id": "check",
          "if": "input.amount > 0",
          "then": [
            {
              "id": "a",
              "task": "a",
              "type": "task",
            },
          ],
          "type": "condition",
        },
      ]
    `);
  });

  it('with no default route and no join, the flow stops when no condition holds (exact)', () => {
    const { flow: f, report } = flow([task('a', 'gate'), { id: 'gate', type: 'decision', condition: 'steps.a.ok', next: 'b' }, task('b', 'c'), task('c')]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "id": "gate",
          "if": "steps.a.ok",
          "then": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
            {
              "id": "c",
              "task": "c",
              "type": "task",
            },
          ],
          "type": "condition",
        },
      ]
    `);
    expect(report.inexact).toEqual([]);
  });

  it('with no default route, going on where the routes meet is reported', () => {
    const { flow: f, report } = flow([
      { id: 'route', type: 'decision', next: [{ condition: 'input.x == 1', stepId: 'a' }, { condition: 'input.x == 2', stepId: 'b' }] },
      task('a', 'c'),
      task('b', 'c'),
      task('c'),
    ]);
    expect(f?.steps.map((s) => s.id)).toEqual(['route', 'c']);
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "approximated",
          "message": "When none of the conditions holds, the older flow had no step to go to; the converted flow goes on at step "c", where the routes meet. Add a route without a condition if it should stop",
          "path": "flows.f.steps[0]",
        },
      ]
    `);
  });

  it('a decision without a condition or routes just goes on to its next step', () => {
    const { flow: f, report } = flow([task('a', 'noop'), { id: 'noop', type: 'decision', next: 'b' }, task('b')]);
    expect(f?.steps.map((s) => s.id)).toEqual(['a', 'b']);
    expect(report.changes.find((c) => c.path === 'flows.f.steps[1]')).toEqual({
      path: 'flows.f.steps[1]',
      kind: 'removed',
      message: 'The decision has neither a condition nor routes, so it decides nothing; the flow goes on at step "b"',
    });
    expect(report.inexact).toEqual([]);
  });

  it('routes may follow any step, not only decisions', () => {
    const { flow: f } = flow([task('a', [{ condition: 'steps.a.retry', stepId: 'b' }, { stepId: 'c' }]), task('b'), task('c')]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "else": [
            {
              "id": "c",
              "task": "c",
              "type": "task",
            },
          ],
          "id": "a_route",
          "if": "steps.a.retry",
          "then": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
          ],
          "type": "condition",
        },
      ]
    `);
  });

  it('a condition the language does not read, or that reads a step the flow lacks, never holds and is reported', () => {
    const { flow: f, report, paths } = flow([
      {
        id: 'route',
        type: 'decision',
        next: [
          { condition: 'order.total > 100 && isVip(order)', stepId: 'a' },
          { condition: 'steps.nothing.ok', stepId: 'b' },
          { stepId: 'c' },
        ],
      },
      task('a'),
      task('b'),
      task('c'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "else": [
            {
              "else": [
                {
                  "id": "c",
                  "task": "c",
                  "type": "task",
                },
              ],
              "id": "route_else1",
              "if": "false",
              "then": [
                {
                  "id": "b",
                  "task": "b",
                  "type": "task",
                },
              ],
              "type": "condition",
            },
          ],
          "id": "route",
          "if": "false",
          "then": [
            {
              "id": "a",
              "task": "a",
              "type": "task",
            },
          ],
          "type": "condition",
        },
      ]
    `);
    expect(paths('unconverted')).toEqual(['flows.f.steps[0].next[0].condition', 'flows.f.steps[0].next[1].condition']);
    expect(report.inexact[1]?.message).toMatch(/^The route's condition can't be kept: the condition reads steps.nothing, which the flow has no step for/);
  });

  it('parallel branches list their steps by id, and the flow goes on at next when all are done', () => {
    const { flow: f } = flow([
      task('a', 'both'),
      { id: 'both', type: 'parallel', branches: [{ id: 'left', steps: ['b', 'c'] }, { id: 'right', steps: ['d'] }], next: 'e' },
      task('b'),
      task('c'),
      task('d', [{ condition: 'steps.a.express', stepId: 'dd' }]),
      task('dd', undefined, 'd'),
      task('e'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "branches": [
            [
              {
                "id": "b",
                "task": "b",
                "type": "task",
              },
              {
                "id": "c",
                "task": "c",
                "type": "task",
              },
            ],
            [
              {
                "id": "d",
                "task": "d",
                "type": "task",
              },
              {
                "id": "d_route",
                "if": "steps.a.express",
                "then": [
                  {
                    "id": "dd",
                    "task": "d",
                    "type": "task",
                  },
                ],
                "type": "condition",
              },
            ],
          ],
          "id": "both",
          "type": "parallel",
        },
        {
          "id": "e",
          "task": "e",
          "type": "task",
        },
      ]
    `);
  });

  it('a wait with a timeout is a wait step; a wait for an event is an event step', () => {
    const { flow: f, report } = flow([{ id: 'cool', type: 'wait', timeout: 60000, next: 'reply' }, { id: 'reply', type: 'wait', event: 'customer.replied', timeout: '2d' }]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "duration": 60000,
          "id": "cool",
          "type": "wait",
        },
        {
          "event": "customer.replied",
          "id": "reply",
          "timeout": "2d",
          "type": "event",
        },
      ]
    `);
    expect(report.inexact.map((i) => i.message)).toEqual([
      "The step waits for event \"customer.replied\" for 2d; when none comes in time it fails with TimeoutError (add onError: 'continue' if the flow should go on)",
    ]);
  });

  it('a process step that names an event sends it through a built-in emit task; one that names none starts the process, which needs an implementation', () => {
    const { flow: f, system, report, paths } = flow([{ id: 'pay', type: 'process', processId: 'order', event: 'order.paid', next: 'open' }, { id: 'open', type: 'process', processId: 'order', action: 'start' }]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "pay",
          "task": "emit_order_paid",
          "type": "task",
        },
        {
          "id": "open",
          "task": "start_order",
          "type": "task",
        },
      ]
    `);
    expect({ emit: system.tasks?.emit_order_paid, start: system.tasks?.start_order }).toMatchInlineSnapshot(`
      {
        "emit": {
          "description": "Sends "order.paid" with its input as payload (added by migration for process steps)",
          "implementation": {
            "event": "order.paid",
            "type": "emit",
          },
        },
        "start": {
          "description": "Starts process "order" (added by migration for process steps): register an implementation that calls runtime.createProcess("order", …)",
        },
      }
    `);
    expect(report.changes.filter((c) => c.path.startsWith('flows.f.steps[0]'))).toMatchInlineSnapshot(`
      [
        {
          "kind": "added",
          "message": "Task "emit_order_paid" (built-in emit) sends "order.paid"",
          "path": "flows.f.steps[0]",
        },
        {
          "kind": "converted",
          "message": "The step sends "order.paid" through task "emit_order_paid", with the flow's input as payload; process "order" is the one that listens for it (every instance of it receives the event)",
          "path": "flows.f.steps[0]",
        },
      ]
    `);
    expect(paths('approximated')).toEqual(['flows.f.steps[1]']);
  });

  it('a process step whose event the process does not listen for is reported', () => {
    const { report } = flow([{ id: 'ship', type: 'process', processId: 'order', event: 'order.shipped' }]);
    expect(report.inexact.map((i) => i.message)).toEqual(['The step sends "order.shipped" through task "emit_order_shipped", but process "order" has no transition on "order.shipped", so the event does not move it']);
  });

  it('a loop is cut where it goes back, and reported', () => {
    const { flow: f, report } = flow([
      task('a', 'open'),
      { id: 'open', type: 'decision', condition: 'steps.a.open', next: [{ condition: true, stepId: 'pause' }, { condition: false, stepId: 'b' }] },
      { id: 'pause', type: 'wait', timeout: '1d', next: 'a' },
      task('b'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "id": "a",
          "task": "a",
          "type": "task",
        },
        {
          "id": "open",
          "if": "steps.a.open",
          "then": [
            {
              "duration": "1d",
              "id": "pause",
              "type": "wait",
            },
          ],
          "type": "condition",
        },
        {
          "id": "b",
          "task": "b",
          "type": "task",
        },
      ]
    `);
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "approximated",
          "message": "This goes back to step "a" (a → open → pause → a); DSL flows have no loops, so the converted flow does not go back: it goes on as if "pause" had no next step. To repeat work, use a forEach step, or a process with on/after transitions",
          "path": "flows.f.steps[2].next",
        },
      ]
    `);
  });

  it('a step reached from two places that nested steps cannot share is copied, and reported', () => {
    const { flow: f, report, paths } = flow([
      { id: 'route', type: 'decision', next: [{ condition: 'input.x', stepId: 'a' }, { stepId: 'b' }] },
      task('a', 'c'),
      task('b', [{ condition: 'input.y', stepId: 'c' }, { stepId: 'd' }]),
      task('c'),
      task('d'),
    ]);
    expect(f?.steps).toMatchInlineSnapshot(`
      [
        {
          "else": [
            {
              "id": "b",
              "task": "b",
              "type": "task",
            },
            {
              "else": [
                {
                  "id": "d",
                  "task": "d",
                  "type": "task",
                },
              ],
              "id": "b_route",
              "if": "input.y",
              "then": [
                {
                  "id": "c_2",
                  "task": "c",
                  "type": "task",
                },
              ],
              "type": "condition",
            },
          ],
          "id": "route",
          "if": "input.x",
          "then": [
            {
              "id": "a",
              "task": "a",
              "type": "task",
            },
            {
              "id": "c",
              "task": "c",
              "type": "task",
            },
          ],
          "type": "condition",
        },
      ]
    `);
    expect(paths()).toEqual(['flows.f.steps[2].next[0]']);
    expect(report.inexact[0]?.message).toBe('Step "c" is reached from more than one place in a way nested steps can\'t share, so it is copied as "c_2" (its output is under steps.c_2)');
  });

  it('unreachable steps, steps without ids and next that names no step are kept and reported, never dropped', () => {
    const { flow: f, system, report } = flow([task('a', 'b'), task('b', 'missing'), task('island'), { type: 'task', taskId: 'c' }, task('b')]);
    expect(f?.steps.map((s) => s.id)).toEqual(['a', 'b']);
    expect(report.inexact.map(({ path, kind }) => `${kind} ${path}`)).toEqual([
      'unconverted flows.f.steps[3]',
      'unconverted flows.f.steps[4]',
      'approximated flows.f.steps[1].next',
      'unconverted flows.f.steps[2]',
    ]);
    expect(Object.keys(system.metadata?.legacy as object)).toEqual(expect.arrayContaining(['flows.f.steps[2]', 'flows.f.steps[3]', 'flows.f.steps[4]']));
  });

  it('declares a task the flow runs but the document does not define', () => {
    const { system, report } = flow([task('x', undefined, 'sendInvoice')]);
    expect(system.tasks?.sendInvoice).toEqual({ description: 'Run by step "x" of flow "f"; the older document did not define it' });
    expect(report.changes.find((c) => c.kind === 'added')?.path).toBe('flows.f.steps[0].taskId');
  });

  it('a trigger object names its event; a manual start needs none', () => {
    expect(flow([task('a')], { trigger: { type: 'event', name: 'order.placed' } }).flow?.trigger).toBe('order.placed');
    const manual = flow([task('a')], { trigger: { type: 'manual' } });
    expect(manual.flow?.trigger).toBeUndefined();
    expect(manual.report.changes.find((c) => c.path === 'flows.f.trigger')?.kind).toBe('removed');
  });

  it('step input: an expression stays one, a fixed value becomes a JSON literal, references in it are reported', () => {
    const { flow: f, report } = flow([
      task('a', 'b'),
      { ...task('b', 'c'), input: '{ "total": steps.a.total }' },
      { ...task('c'), input: { orderId: '$.order.id', express: true }, timeout: 3000, retry: { maxRetries: 1 } },
    ]);
    expect(f?.steps.slice(1)).toMatchInlineSnapshot(`
      [
        {
          "id": "b",
          "input": "{ "total": steps.a.total }",
          "task": "b",
          "type": "task",
        },
        {
          "id": "c",
          "input": "{"orderId":"$.order.id","express":true}",
          "retry": {
            "maxAttempts": 2,
          },
          "task": "c",
          "timeout": 3000,
          "type": "task",
        },
      ]
    `);
    expect(report.inexact.map((i) => i.message)).toEqual([
      `The input is a fixed value now, but "$.order.id" looks like a reference to data; rewrite it as an expression (docs/expressions.md), such as '{ "subject": input.subject }'`,
    ]);
  });
});
