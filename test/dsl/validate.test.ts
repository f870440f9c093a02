import { describe, expect, it } from 'vitest';
import { SystemValidationError } from '../../src/errors.js';
import { defineSystem, type SystemDefinition } from '../../src/dsl/schema.js';
import { assertValidSystem, safeValidateSystem, validateSystem } from '../../src/dsl/validate.js';

/** A system that uses every construct: nested, parallel and final states, guards, actions, after, invoke; every step type. */
const richSystem = defineSystem({
  id: 'orders',
  name: 'Orders',
  version: '1.2.0',
  description: 'Orders from checkout to shipping',
  events: {
    'order.placed': { payload: { type: 'object', properties: { orderId: { type: 'string' } } } },
    'order.paid': {},
    'order.cancelled': {},
    'order.shipped': {},
    'payment.confirmed': { description: 'The payment provider confirmed' },
    'stock.low': {},
  },
  tasks: {
    chargeCard: {
      description: 'Charge the card',
      input: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
      output: { type: 'object', properties: { chargeId: { type: 'string' } } },
      retry: { maxAttempts: 3, initialDelay: '1s', backoff: 'exponential', multiplier: 2, maxDelay: '30s', jitter: 'full', nonRetryable: ['CardDeclined'] },
      timeout: '10s',
      examples: [{ input: { amount: 5 }, output: { chargeId: 'ch_1' } }, { input: { amount: -1 }, error: { name: 'CardDeclined' } }],
    },
    reserveStock: { retry: { maxAttempts: 5, backoff: 'fixed', initialDelay: 500 } },
    sendEmail: { implementation: { type: 'mock', output: { sent: true } } },
    shipLine: {},
  },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: false, amount: 0 },
      on: { 'order.cancelled': { target: 'cancelled', actions: [{ type: 'log', message: '"cancelled " + context.id' }] } },
      states: {
        pending: {
          entry: [{ type: 'log', message: '"waiting for payment of " + context.id' }],
          on: {
            'order.paid': [
              { target: 'paid', guard: 'event.amount > 0', actions: [{ type: 'assign', values: { paid: 'true', amount: 'event.amount' } }] },
              { target: 'failed' },
            ],
          },
          after: {
            '1h': 'cancelled',
            '1000': { actions: [{ type: 'emit', event: 'stock.low', payload: '{ "orderId": context.id }' }] },
          },
        },
        paid: {
          invoke: {
            task: 'reserveStock',
            input: '{ "orderId": context.id }',
            onDone: 'fulfilment',
            onError: { target: 'failed', actions: [{ type: 'assign', values: { error: 'event.message' } }] },
          },
        },
        fulfilment: {
          type: 'parallel',
          on: { 'order.shipped': 'shipped' },
          states: {
            packing: {
              initial: 'picking',
              states: {
                picking: { on: { 'order.placed': 'packed', 'stock.low': '#order.failed' } },
                packed: { type: 'final' },
              },
            },
            billing: {
              on: { 'order.paid': '.done' },
              states: { invoicing: { after: { '5m': 'done' } }, done: { type: 'final' } },
            },
          },
        },
        shipped: { type: 'final', entry: [{ type: 'emit', event: 'order.shipped', payload: 'context' }] },
        failed: { on: { 'order.paid': 'fulfilment.packing' }, exit: [{ type: 'log', message: '"retrying"' }] },
        cancelled: { type: 'final' },
      },
    },
    ticket: {
      states: ['open', 'closed'],
      transitions: [{ from: 'open', to: 'closed', on: 'task.failed', guard: 'event.taskId == "chargeCard"' }],
    },
  },
  flows: {
    checkout: {
      description: 'Charge, notify, wait for confirmation, ship',
      trigger: 'order.placed',
      input: { type: 'object', properties: { total: { type: 'number' } } },
      output: '{ "chargeId": steps.charge.chargeId }',
      onError: 'fail',
      steps: [
        {
          id: 'charge',
          type: 'task',
          task: 'chargeCard',
          input: '{ "amount": input.total }',
          retry: { maxAttempts: 5, initialDelay: '2s' },
          timeout: '20s',
          catch: [{ id: 'apologise', type: 'task', task: 'sendEmail' }],
        },
        {
          id: 'big',
          type: 'condition',
          if: 'steps.charge.amount > 100',
          then: [{ id: 'vip', type: 'task', task: 'sendEmail', onError: 'continue' }],
          else: [],
        },
        {
          id: 'notify',
          type: 'parallel',
          branches: [[{ id: 'mail', type: 'task', task: 'sendEmail' }], [{ id: 'pause', type: 'wait', duration: 250 }]],
        },
        { id: 'paid', type: 'event', event: 'payment.confirmed', match: 'event.orderId == input.orderId', timeout: '1h' },
        { id: 'cool', type: 'wait', duration: '5m' },
        {
          id: 'each',
          type: 'forEach',
          items: 'input.lines',
          concurrency: 4,
          steps: [{ id: 'ship', type: 'task', task: 'shipLine', input: '{ "line": item, "position": index }' }],
        },
        { id: 'archive', type: 'flow', flow: 'archiving', input: '{ "orderId": input.orderId, "charge": steps.charge }' },
      ],
    },
    archiving: {
      trigger: ['flow.completed', 'order.shipped'],
      // functions may stand for expressions in code; they are not checked
      steps: [{ id: 'store', type: 'task', task: 'sendEmail', input: (scope) => scope.input }],
    },
  },
  boundedContexts: { sales: { processes: ['order'], flows: ['checkout'], tasks: ['chargeCard'], events: ['order.placed'] } },
  metadata: { owner: 'payments' },
});

/** `[path, code]` of every problem. */
const problems = (doc: unknown) => validateSystem(doc).errors.map((e) => [e.path, e.code]);
/** The one problem of a document. */
function onlyProblem(doc: unknown) {
  const { errors } = validateSystem(doc);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}
const flowSystem = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 's',
  tasks: { charge: {}, notify: {} },
  flows: { checkout: { steps }, ...extra },
});
const processSystem = (process: unknown, extra: Record<string, unknown> = {}) => ({
  id: 's',
  tasks: { reserve: {} },
  processes: { order: process },
  ...extra,
});

describe('validateSystem on a valid system', () => {
  it('accepts a system that uses every construct', () => {
    expect(validateSystem(richSystem)).toEqual({ valid: true, errors: [] });
  });

  it('accepts the smallest system', () => {
    expect(validateSystem({ id: 'empty' })).toEqual({ valid: true, errors: [] });
  });

  it('does not modify the document', () => {
    const copy = structuredClone({ ...richSystem, flows: { checkout: richSystem.flows.checkout } });
    const before = JSON.stringify(copy);
    validateSystem(copy);
    expect(JSON.stringify(copy)).toBe(before);
  });
});

describe('validateSystem on a document with many problems', () => {
  it('reports every one at once, structure and references together', () => {
    const doc = {
      id: 'shop',
      flow: {},
      events: { 'order.placed': {}, 'order.paid': {} },
      tasks: {
        charge: { retry: { maxAttempts: 3, multiplier: 0.5 } },
        notify: { retries: 3 },
      },
      processes: {
        order: {
          initial: 'pending',
          states: {
            pending: { on: { 'order.payed': 'paid', 'order.paid': { target: 'shiped', guard: 'event.amount >' } } },
            paid: { invoke: { task: 'reserve', onDone: '.done' } },
            'ready.now': { type: 'final', on: { 'order.placed': 'pending' } },
            split: { type: 'parallel' },
          },
        },
        ticket: { states: ['open', 'closed'], transitions: [{ from: 'opened', to: 'done', on: 'close' }] },
      },
      flows: {
        checkout: {
          trigger: 'order.create',
          output: 'steps.shipping.id',
          steps: [
            { id: 'charge', type: 'task', task: 'chargeCard', retry: { initialDelay: '2s' } },
            { id: 'check', type: 'condition', if: 'steps.charge.ok &&', then: [{ id: 'charge', type: 'wait', duration: '1s' }] },
            { id: 'sub', type: 'flow', flow: 'refund' },
            { id: 'confirmed', type: 'event', event: 'payment.done' },
          ],
        },
        refund: { steps: [{ id: 'back', type: 'flow', flow: 'checkout' }] },
        sloppy: {
          onError: 'ignore',
          steps: [
            { id: 's1', type: 'tsk', task: 'charge' },
            { id: 's2', type: 'wait', duration: '5 min' },
            { id: 'loop', type: 'forEach', items: 'input.lines', concurrency: 0, steps: [] },
            { id: 'par', type: 'parallel', branches: [] },
            { id: 'send', type: 'task' },
          ],
        },
      },
    };
    const result = validateSystem(doc);
    expect(result.valid).toBe(false);
    expect(result.errors).toMatchInlineSnapshot(`
      [
        {
          "code": "unknown_key",
          "message": "Unknown key "retries" (did you mean "retry"?); allowed keys: description, input, output, retry, timeout, examples, implementation",
          "path": "tasks.notify.retries",
        },
        {
          "code": "unknown_step_type",
          "message": "Unknown step type "tsk" (did you mean "task"?); expected one of: task, condition, parallel, wait, event, forEach, flow",
          "path": "flows.sloppy.steps[0].type",
        },
        {
          "code": "invalid_duration",
          "message": "Invalid duration "5 min": expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d",
          "path": "flows.sloppy.steps[1].duration",
        },
        {
          "code": "too_small",
          "message": "Expected a number ≥ 1, received 0",
          "path": "flows.sloppy.steps[2].concurrency",
        },
        {
          "code": "too_small",
          "message": "Expected at least 1 item, found 0",
          "path": "flows.sloppy.steps[3].branches",
        },
        {
          "code": "missing_field",
          "message": "Missing required field "task"",
          "path": "flows.sloppy.steps[4].task",
        },
        {
          "code": "invalid_value",
          "message": "Expected one of "fail", "continue", received "ignore"",
          "path": "flows.sloppy.onError",
        },
        {
          "code": "unknown_key",
          "message": "Unknown key "flow" (did you mean "flows"?); allowed keys: id, name, version, description, events, tasks, processes, flows, boundedContexts, metadata",
          "path": "flow",
        },
        {
          "code": "invalid_multiplier",
          "message": "multiplier must be a finite number ≥ 1 (delays must not shrink), found 0.5",
          "path": "tasks.charge.retry.multiplier",
        },
        {
          "code": "unknown_event",
          "message": "Event "order.payed" is not declared in events (did you mean "order.placed" or "order.paid"?); known events: order.placed, order.paid (lifecycle events task.*, flow.* and process.* need no declaration)",
          "path": "processes.order.states.pending.on["order.payed"]",
        },
        {
          "code": "unknown_target",
          "message": "Target "shiped" does not resolve: process "order" has no child state "shiped" (it has: pending, paid, ready.now, split); a plain name is a sibling of the source state, ".name" a child, "#process.a.b" an absolute path",
          "path": "processes.order.states.pending.on["order.paid"].target",
        },
        {
          "code": "expression_syntax",
          "message": "Invalid expression: Expected an expression but found the end of the expression at position 14 in expression "event.amount >"",
          "path": "processes.order.states.pending.on["order.paid"].guard",
        },
        {
          "code": "unknown_task",
          "message": "Unknown task "reserve"; known tasks: charge, notify",
          "path": "processes.order.states.paid.invoke.task",
        },
        {
          "code": "unknown_target",
          "message": "Target ".done" does not resolve: state processes.order.states.paid has no child state "done" (it has: none)",
          "path": "processes.order.states.paid.invoke.onDone",
        },
        {
          "code": "invalid_state_name",
          "message": "State name "ready.now" contains "." or "#", which target paths use as separators",
          "path": "processes.order.states["ready.now"]",
        },
        {
          "code": "invalid_final_state",
          "message": "A final state ends its parent, so it cannot have on",
          "path": "processes.order.states["ready.now"].on",
        },
        {
          "code": "parallel_without_children",
          "message": "A parallel state needs at least one child state (its regions)",
          "path": "processes.order.states.split",
        },
        {
          "code": "unknown_state",
          "message": "Unknown state "opened" (did you mean "open"?); states: open, closed",
          "path": "processes.ticket.transitions[0].from",
        },
        {
          "code": "unknown_target",
          "message": "Unknown target state "done"; states: open, closed",
          "path": "processes.ticket.transitions[0].to",
        },
        {
          "code": "unknown_event",
          "message": "Event "close" is not declared in events; known events: order.placed, order.paid (lifecycle events task.*, flow.* and process.* need no declaration)",
          "path": "processes.ticket.transitions[0].on",
        },
        {
          "code": "duplicate_step_id",
          "message": "Step id "charge" is already used by flows.checkout.steps[0]; step ids must be unique in a flow",
          "path": "flows.checkout.steps[1].then[0].id",
        },
        {
          "code": "unknown_event",
          "message": "Event "order.create" is not declared in events; known events: order.placed, order.paid (lifecycle events task.*, flow.* and process.* need no declaration)",
          "path": "flows.checkout.trigger",
        },
        {
          "code": "unknown_step_reference",
          "message": "Expression reads steps.shipping, but flow "checkout" has no step "shipping"; known steps: charge, check, sub, confirmed",
          "path": "flows.checkout.output",
        },
        {
          "code": "unknown_task",
          "message": "Unknown task "chargeCard" (did you mean "charge"?); known tasks: charge, notify",
          "path": "flows.checkout.steps[0].task",
        },
        {
          "code": "retry_without_attempts",
          "message": "initialDelay has no effect: maxAttempts is 1 by default, so nothing is ever retried; set maxAttempts above 1 or remove it",
          "path": "flows.checkout.steps[0].retry",
        },
        {
          "code": "expression_syntax",
          "message": "Invalid expression: Expected an expression but found the end of the expression at position 18 in expression "steps.charge.ok &&"",
          "path": "flows.checkout.steps[1].if",
        },
        {
          "code": "unknown_event",
          "message": "Event "payment.done" is not declared in events; known events: order.placed, order.paid (lifecycle events task.*, flow.* and process.* need no declaration)",
          "path": "flows.checkout.steps[3].event",
        },
        {
          "code": "subflow_cycle",
          "message": "Sub-flows call each other in a cycle: checkout → refund → checkout; a flow must not run itself, directly or through others",
          "path": "flows.refund.steps[0].flow",
        },
      ]
    `);
  });
});

describe('structure', () => {
  it('says which step types exist when a step type is unknown', () => {
    expect(onlyProblem(flowSystem([{ id: 'a', type: 'sleep', duration: '1s' }]))).toMatchInlineSnapshot(`
      {
        "code": "unknown_step_type",
        "message": "Unknown step type "sleep"; expected one of: task, condition, parallel, wait, event, forEach, flow",
        "path": "flows.checkout.steps[0].type",
      }
    `);
  });

  it('says that a step type is missing', () => {
    expect(onlyProblem(flowSystem([{ id: 'a', task: 'charge' }]))).toMatchObject({
      path: 'flows.checkout.steps[0].type',
      code: 'missing_field',
    });
  });

  it('says which keys are allowed when a key is unknown, at the key', () => {
    expect(onlyProblem(flowSystem([{ id: 'a', type: 'task', task: 'charge', retries: 3 }]))).toMatchInlineSnapshot(`
      {
        "code": "unknown_key",
        "message": "Unknown key "retries" (did you mean "retry"?); allowed keys: id, name, description, onError, catch, type, task, input, retry, timeout",
        "path": "flows.checkout.steps[0].retries",
      }
    `);
  });

  it('reports one issue per unknown key', () => {
    expect(problems({ id: 's', tasks: { t: { retry: { attempts: 3, delay: '1s' } } } })).toEqual([
      ['tasks.t.retry.attempts', 'unknown_key'],
      ['tasks.t.retry.delay', 'unknown_key'],
    ]);
  });

  it('says which required field is missing', () => {
    expect(onlyProblem({ id: 's', flows: { f: {} } })).toEqual({
      path: 'flows.f.steps',
      code: 'missing_field',
      message: 'Missing required field "steps"',
    });
    expect(onlyProblem({})).toMatchObject({ path: 'id', code: 'missing_field' });
  });

  it('says what was expected and what was found', () => {
    expect(onlyProblem({ id: 's', tasks: { t: { retry: { maxAttempts: '3' } } } })).toEqual({
      path: 'tasks.t.retry.maxAttempts',
      code: 'invalid_type',
      message: 'Expected a number, received "3"',
    });
    expect(onlyProblem({ id: 's', tasks: { t: { retry: { maxAttempts: 2.5 } } } }).message).toBe('Expected an integer, received 2.5');
    expect(onlyProblem(flowSystem([{ id: 'a', type: 'condition', if: 42, then: [] }])).message).toBe(
      'Expected a string or a function, received 42',
    );
  });

  it('rejects a document that is not an object', () => {
    expect(validateSystem('orders').errors).toEqual([
      { path: '', code: 'invalid_type', message: 'Expected a system document (an object with an id), received "orders"' },
    ]);
    expect(validateSystem(undefined).errors[0]?.message).toBe('Expected a system document (an object with an id), received nothing');
    expect(validateSystem(null).valid).toBe(false);
  });

  it('checks ids', () => {
    expect(problems({ id: 'my system', tasks: { 'charge card': {} }, flows: { f: { steps: [{ id: '1st', type: 'wait', duration: 1 }] } } })).toEqual([
      ['id', 'invalid_id'],
      ['tasks["charge card"]', 'invalid_id'],
      ['flows.f.steps[0].id', 'invalid_id'],
    ]);
  });

  it('reports the problem inside a transition object, not "invalid union"', () => {
    expect(problems(processSystem({ states: { a: { on: { go: { target: 'a', gaurd: 'true' } } } } }))).toEqual([
      ['processes.order.states.a.on.go.gaurd', 'unknown_key'],
    ]);
    expect(onlyProblem(processSystem({ states: { a: { on: { go: 7 } } } })).message).toBe(
      'Expected a string, an object or an array, received 7',
    );
    expect(problems(processSystem({ states: { a: { on: { go: [{ target: 'a' }, { target: '' }] } } } }))).toEqual([
      ['processes.order.states.a.on.go[1].target', 'too_small'],
    ]);
  });

  it('reports unknown action types', () => {
    expect(onlyProblem(processSystem({ states: { a: { entry: [{ type: 'send', event: 'x' }] } } }))).toMatchObject({
      path: 'processes.order.states.a.entry[0].type',
      code: 'unknown_action_type',
      message: 'Unknown action type "send"; expected one of: assign, emit, log',
    });
  });

  it('reports invalid durations with one code', () => {
    expect(problems(flowSystem([{ id: 'a', type: 'wait', duration: '5 minutes' }, { id: 'b', type: 'wait', duration: -1 }, { id: 'c', type: 'wait', duration: {} }]))).toEqual([
      ['flows.checkout.steps[0].duration', 'invalid_duration'],
      ['flows.checkout.steps[1].duration', 'invalid_duration'],
      ['flows.checkout.steps[2].duration', 'invalid_duration'],
    ]);
  });

  it('requires a parallel step to have a branch and a forEach concurrency of at least 1', () => {
    expect(problems(flowSystem([
      { id: 'p', type: 'parallel', branches: [] },
      { id: 'e', type: 'forEach', items: 'input.lines', concurrency: 0, steps: [] },
    ]))).toEqual([
      ['flows.checkout.steps[0].branches', 'too_small'],
      ['flows.checkout.steps[1].concurrency', 'too_small'],
    ]);
  });

  it('still checks references of the definitions that are sound', () => {
    const doc = flowSystem([{ id: 'a', type: 'task', task: 'nope' }], { broken: { steps: [{ id: 'x', type: 'task', task: 'nope', extra: 1 }] } });
    expect(problems(doc)).toEqual([
      ['flows.broken.steps[0].extra', 'unknown_key'],
      ['flows.checkout.steps[0].task', 'unknown_task'],
    ]);
  });

  it('skips references when a whole section is unusable', () => {
    expect(problems({ id: 's', tasks: ['charge'], flows: { f: { steps: [{ id: 'a', type: 'task', task: 'charge' }] } } })).toEqual([
      ['tasks', 'invalid_type'],
    ]);
  });
});

describe('references in flows', () => {
  it('reports an unknown task and lists the known ones', () => {
    expect(onlyProblem(flowSystem([{ id: 'a', type: 'task', task: 'chrage' }]))).toEqual({
      path: 'flows.checkout.steps[0].task',
      code: 'unknown_task',
      message: 'Unknown task "chrage" (did you mean "charge"?); known tasks: charge, notify',
    });
  });

  it('reports an unknown sub-flow', () => {
    expect(onlyProblem(flowSystem([{ id: 'a', type: 'flow', flow: 'shiping' }], { shipping: { steps: [] } }))).toEqual({
      path: 'flows.checkout.steps[0].flow',
      code: 'unknown_flow',
      message: 'Unknown flow "shiping" (did you mean "shipping"?); known flows: checkout, shipping',
    });
  });

  it('reports sub-flow cycles, nested calls and self-calls included', () => {
    const doc = flowSystem([{ id: 'a', type: 'condition', if: 'true', then: [{ id: 'b', type: 'flow', flow: 'refund' }] }], {
      refund: { steps: [{ id: 'c', type: 'flow', flow: 'audit' }] },
      audit: { steps: [{ id: 'd', type: 'flow', flow: 'checkout' }] },
      again: { steps: [{ id: 'e', type: 'forEach', items: 'input', steps: [{ id: 'f', type: 'flow', flow: 'again' }] }] },
      leaf: { steps: [{ id: 'g', type: 'flow', flow: 'audit' }] },
    });
    expect(validateSystem(doc).errors).toMatchInlineSnapshot(`
      [
        {
          "code": "subflow_cycle",
          "message": "Sub-flows call each other in a cycle: checkout → refund → audit → checkout; a flow must not run itself, directly or through others",
          "path": "flows.audit.steps[0].flow",
        },
        {
          "code": "subflow_cycle",
          "message": "Sub-flows call each other in a cycle: again → again; a flow must not run itself, directly or through others",
          "path": "flows.again.steps[0].steps[0].flow",
        },
      ]
    `);
  });

  it('reports duplicate step ids anywhere in a flow', () => {
    const doc = flowSystem([
      { id: 'a', type: 'task', task: 'charge', catch: [{ id: 'b', type: 'task', task: 'notify' }] },
      { id: 'b', type: 'parallel', branches: [[{ id: 'c', type: 'wait', duration: 1 }], [{ id: 'a', type: 'wait', duration: 1 }]] },
      { id: 'loop', type: 'forEach', items: 'input.lines', steps: [{ id: 'c', type: 'wait', duration: 1 }] },
      { id: 'cond', type: 'condition', if: 'true', then: [], else: [{ id: 'loop', type: 'wait', duration: 1 }] },
    ]);
    expect(problems(doc)).toEqual([
      ['flows.checkout.steps[1].id', 'duplicate_step_id'],
      ['flows.checkout.steps[1].branches[1][0].id', 'duplicate_step_id'],
      ['flows.checkout.steps[2].steps[0].id', 'duplicate_step_id'],
      ['flows.checkout.steps[3].else[0].id', 'duplicate_step_id'],
    ]);
    expect(validateSystem(doc).errors[0]?.message).toBe(
      'Step id "b" is already used by flows.checkout.steps[0].catch[0]; step ids must be unique in a flow',
    );
  });

  it('allows the same step id in different flows', () => {
    expect(problems(flowSystem([{ id: 'a', type: 'wait', duration: 1 }], { other: { steps: [{ id: 'a', type: 'wait', duration: 1 }] } }))).toEqual([]);
  });

  it('checks the retry policy of a task step against its task', () => {
    const doc = {
      id: 's',
      tasks: { charge: { retry: { maxAttempts: 3 } } },
      flows: {
        f: {
          steps: [
            { id: 'a', type: 'task', task: 'charge', retry: { initialDelay: '2s' } },
            { id: 'b', type: 'task', task: 'charge', retry: { backoff: 'fixed', multiplier: 3 } },
            { id: 'c', type: 'task', task: 'charge', retry: { maxAttempts: 1 } },
          ],
        },
      },
    };
    expect(problems(doc)).toEqual([['flows.f.steps[1].retry.multiplier', 'multiplier_without_exponential']]);
  });
});

describe('events', () => {
  const events = { 'order.placed': {}, 'order.paid': {} };

  it('requires declared names for triggers, event steps, process on and emit when events are declared', () => {
    const doc = {
      id: 's',
      events,
      processes: {
        order: {
          on: { 'order.refunded': 'a' },
          states: { a: { on: { 'order.payed': 'a' }, entry: [{ type: 'emit', event: 'order.done' }] } },
        },
      },
      flows: { f: { trigger: ['order.placed', 'order.create'], steps: [{ id: 'w', type: 'event', event: 'payment.confirmed' }] } },
    };
    expect(problems(doc)).toEqual([
      ['processes.order.on["order.refunded"]', 'unknown_event'],
      ['processes.order.states.a.on["order.payed"]', 'unknown_event'],
      ['processes.order.states.a.entry[0].event', 'unknown_event'],
      ['flows.f.trigger[1]', 'unknown_event'],
      ['flows.f.steps[0].event', 'unknown_event'],
    ]);
  });

  it('allows lifecycle events and wildcards', () => {
    const doc = {
      id: 's',
      events,
      processes: { p: { states: { a: { on: { 'task.failed': 'a', 'process.started': 'a', '*': 'a', 'order.*': 'a' } } } } },
      flows: { f: { trigger: 'flow.completed', steps: [{ id: 'w', type: 'event', event: 'task.succeeded' }] } },
    };
    expect(problems(doc)).toEqual([]);
  });

  it('allows any name when the system declares no events', () => {
    const doc = { id: 's', events: {}, flows: { f: { trigger: 'anything.at.all', steps: [{ id: 'w', type: 'event', event: 'whatever' }] } } };
    expect(problems(doc)).toEqual([]);
    expect(problems({ ...doc, events: undefined })).toEqual([]);
  });
});

describe('processes', () => {
  it('requires the initial state to exist, at the root and in compound states', () => {
    expect(problems(processSystem({ initial: 'start', states: { a: { initial: 'x', states: { b: {} } }, c: { initial: 'd' } } }))).toEqual([
      ['processes.order.initial', 'unknown_initial_state'],
      ['processes.order.states.a.initial', 'unknown_initial_state'],
      ['processes.order.states.c.initial', 'unknown_initial_state'],
    ]);
  });

  it('resolves targets with XState semantics', () => {
    const process = {
      states: {
        a: {
          on: {
            sibling: 'b',
            child: '.a1',
            siblingDescendant: 'b.b1',
            absolute: '#order.b.b1',
            self: 'a',
          },
          states: { a1: { on: { up: 'a2', absolute: '#order.a' } }, a2: {} },
        },
        b: { states: { b1: {} } },
      },
      on: { reset: 'a', resetChild: '.a.a2' },
    };
    expect(problems(processSystem(process))).toEqual([]);
  });

  it('reports targets that do not resolve', () => {
    const process = {
      on: { reset: 'a1' },
      states: {
        a: {
          on: { childAsSibling: 'a1', noSuchChild: '.b', otherMachine: '#other.a', deep: 'b.b2' },
          after: { '5s': 'nowhere' },
          invoke: { task: 'reserve', onDone: 'c', onError: [{ target: 'b', guard: 'true' }, { target: 'd' }] },
          states: { a1: {} },
        },
        b: { states: { b1: {} } },
      },
    };
    expect(problems(processSystem(process))).toEqual([
      ['processes.order.on.reset', 'unknown_target'],
      ['processes.order.states.a.on.childAsSibling', 'unknown_target'],
      ['processes.order.states.a.on.noSuchChild', 'unknown_target'],
      ['processes.order.states.a.on.otherMachine', 'unknown_target'],
      ['processes.order.states.a.on.deep', 'unknown_target'],
      ['processes.order.states.a.after["5s"]', 'unknown_target'],
      ['processes.order.states.a.invoke.onDone', 'unknown_target'],
      ['processes.order.states.a.invoke.onError[1].target', 'unknown_target'],
    ]);
    expect(validateSystem(processSystem(process)).errors[4]?.message).toBe(
      'Target "b.b2" does not resolve: state processes.order.states.b has no child state "b2" (did you mean "b1"?) (it has: b1); a plain name is a sibling of the source state, ".name" a child, "#process.a.b" an absolute path',
    );
  });

  it('requires a parallel state to have children', () => {
    expect(problems(processSystem({ states: { a: { type: 'parallel' }, b: { type: 'parallel', states: {} } } }))).toEqual([
      ['processes.order.states.a', 'parallel_without_children'],
      ['processes.order.states.b', 'parallel_without_children'],
    ]);
  });

  it('forbids on, after, invoke and states in a final state', () => {
    const final = { type: 'final', on: { x: 'a' }, after: { '1s': 'a' }, invoke: { task: 'reserve' }, states: { y: {} }, entry: [{ type: 'log', message: '"bye"' }] };
    expect(problems(processSystem({ states: { a: {}, done: final } }))).toEqual([
      ['processes.order.states.done.on', 'invalid_final_state'],
      ['processes.order.states.done.after', 'invalid_final_state'],
      ['processes.order.states.done.invoke', 'invalid_final_state'],
      ['processes.order.states.done.states', 'invalid_final_state'],
    ]);
  });

  it('forbids "." and "#" in state names', () => {
    expect(problems(processSystem({ states: { 'a.b': {}, '#c': {}, ok: {} } }))).toEqual([
      ['processes.order.states["a.b"]', 'invalid_state_name'],
      ['processes.order.states["#c"]', 'invalid_state_name'],
    ]);
  });

  it('checks the other state kinds for consistency', () => {
    expect(problems(processSystem({
      states: {
        a: { type: 'compound' },
        b: { type: 'atomic', states: { c: {} } },
        p: { type: 'parallel', initial: 'x', states: { x: {} } },
      },
    }))).toEqual([
      ['processes.order.states.a', 'compound_without_children'],
      ['processes.order.states.b.states', 'atomic_with_children'],
      ['processes.order.states.p.initial', 'parallel_initial'],
    ]);
    expect(problems(processSystem({ states: {} }))).toEqual([['processes.order.states', 'no_states']]);
  });

  it('requires after keys to be durations or milliseconds', () => {
    expect(problems(processSystem({ states: { a: { after: { '5m': 'a', '1000': 'a', soon: 'a' } } } }))).toEqual([
      ['processes.order.states.a.after.soon', 'invalid_duration'],
    ]);
  });

  it('reports an unknown task in invoke', () => {
    expect(onlyProblem(processSystem({ states: { a: { invoke: { task: 'reserv' } } } }))).toMatchObject({
      path: 'processes.order.states.a.invoke.task',
      code: 'unknown_task',
      message: 'Unknown task "reserv" (did you mean "reserve"?); known tasks: reserve',
    });
  });

  it('checks the flat shape', () => {
    const doc = processSystem({
      initial: 'started',
      states: ['open', 'closed', 'open', 'in.progress'],
      transitions: [
        { from: 'open', to: 'closed', on: 'close', guard: 'event.ok ==' },
        { from: 'opened', to: 'close', on: 'close' },
      ],
      on: { reset: 'open', bad: 'nowhere' },
    });
    expect(problems(doc)).toEqual([
      ['processes.order.states[2]', 'duplicate_state'],
      ['processes.order.states[3]', 'invalid_state_name'],
      ['processes.order.initial', 'unknown_initial_state'],
      ['processes.order.transitions[0].guard', 'expression_syntax'],
      ['processes.order.transitions[1].from', 'unknown_state'],
      ['processes.order.transitions[1].to', 'unknown_target'],
      ['processes.order.on.bad', 'unknown_target'],
    ]);
  });

  it('rejects transitions next to a states record', () => {
    expect(problems(processSystem({ states: { a: {} }, transitions: [{ from: 'a', to: 'a', on: 'x' }] }))).toEqual([
      ['processes.order.transitions', 'unexpected_transitions'],
    ]);
  });
});

describe('tasks and bounded contexts', () => {
  it('checks the retry policy of every task', () => {
    expect(problems({ id: 's', tasks: { a: { retry: { maxAttempts: 2000 } }, b: { retry: { maxAttempts: 3, initialDelay: '1m', maxDelay: '1s' } } } })).toEqual([
      ['tasks.a.retry.maxAttempts', 'too_many_attempts'],
      ['tasks.b.retry.maxDelay', 'max_delay_below_initial_delay'],
    ]);
  });

  it('checks the names a bounded context lists', () => {
    const doc = { id: 's', events: { e: {} }, tasks: { t: {} }, boundedContexts: { core: { tasks: ['t', 'u'], flows: ['f'], processes: ['p'], events: ['e', 'x'] } } };
    expect(problems(doc)).toEqual([
      ['boundedContexts.core.tasks[1]', 'unknown_task'],
      ['boundedContexts.core.flows[0]', 'unknown_flow'],
      ['boundedContexts.core.events[1]', 'unknown_event'],
      ['boundedContexts.core.processes[0]', 'unknown_process'],
    ]);
  });
});

describe('expressions', () => {
  it('checks every expression of flows and processes', () => {
    const bad = 'input.x +';
    const doc = {
      id: 's',
      tasks: { t: {} },
      processes: {
        p: {
          states: {
            a: {
              on: { go: { target: 'a', guard: bad, actions: [{ type: 'assign', values: { x: bad } }, { type: 'emit', event: 'e', payload: bad }, { type: 'log', message: bad }] } },
              invoke: { task: 't', input: bad },
            },
          },
        },
      },
      flows: {
        f: {
          output: bad,
          steps: [
            { id: 'c', type: 'condition', if: bad, then: [] },
            { id: 'e', type: 'event', event: 'e', match: bad },
            { id: 'l', type: 'forEach', items: bad, steps: [] },
            { id: 't', type: 'task', task: 't', input: bad },
            { id: 's', type: 'flow', flow: 'f2', input: bad },
          ],
        },
        f2: { steps: [] },
      },
    };
    expect(problems(doc)).toEqual([
      ['processes.p.states.a.on.go.guard', 'expression_syntax'],
      ['processes.p.states.a.on.go.actions[0].values.x', 'expression_syntax'],
      ['processes.p.states.a.on.go.actions[1].payload', 'expression_syntax'],
      ['processes.p.states.a.on.go.actions[2].message', 'expression_syntax'],
      ['processes.p.states.a.invoke.input', 'expression_syntax'],
      ['flows.f.output', 'expression_syntax'],
      ['flows.f.steps[0].if', 'expression_syntax'],
      ['flows.f.steps[1].match', 'expression_syntax'],
      ['flows.f.steps[2].items', 'expression_syntax'],
      ['flows.f.steps[3].input', 'expression_syntax'],
      ['flows.f.steps[4].input', 'expression_syntax'],
    ]);
    expect(validateSystem(doc).errors[0]?.message).toMatch(/^Invalid expression: .*position 9/);
  });

  it('reports steps.X that names no step of the flow', () => {
    const doc = flowSystem([
      { id: 'charge', type: 'task', task: 'charge' },
      { id: 'c', type: 'condition', if: 'steps.charge.ok && steps["chrge"].ok', then: [{ id: 'inner', type: 'task', task: 'notify', input: 'steps.inner2' }] },
    ]);
    expect(validateSystem(doc).errors).toMatchInlineSnapshot(`
      [
        {
          "code": "unknown_step_reference",
          "message": "Expression reads steps.chrge, but flow "checkout" has no step "chrge" (did you mean "charge"?); known steps: charge, c, inner",
          "path": "flows.checkout.steps[1].if",
        },
        {
          "code": "unknown_step_reference",
          "message": "Expression reads steps.inner2, but flow "checkout" has no step "inner2" (did you mean "inner"?); known steps: charge, c, inner",
          "path": "flows.checkout.steps[1].then[0].input",
        },
      ]
    `);
  });

  it('does not check functions', () => {
    const doc = flowSystem([{ id: 'c', type: 'condition', if: (input: unknown) => Boolean(input), then: [] }]);
    expect(problems(doc)).toEqual([]);
  });
});

describe('assertValidSystem and safeValidateSystem', () => {
  it('return the normalized system when it is valid', () => {
    const system = assertValidSystem(richSystem);
    expect(system.version).toBe('1.2.0');
    expect(system.processes?.ticket).toMatchObject({ initial: 'open', states: { open: { on: { 'task.failed': { target: 'closed' } } }, closed: {} } });
    expect(system.processes?.order?.states.fulfilment?.states?.billing?.initial).toBe('invoicing');
    expect(safeValidateSystem({ id: 'x' })).toEqual({ success: true, system: { id: 'x', version: '1.0.0' } });
  });

  it('throw SystemValidationError with the same issues', () => {
    const doc: unknown = flowSystem([{ id: 'a', type: 'task', task: 'nope' }, { id: 'a', type: 'wait', duration: 1 }]);
    const { errors } = validateSystem(doc);
    let thrown: unknown;
    try {
      assertValidSystem(doc);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SystemValidationError);
    expect((thrown as SystemValidationError).issues).toEqual(errors);
    expect((thrown as SystemValidationError).code).toBe('SYSTEM_INVALID');
    expect((thrown as Error).message).toMatchInlineSnapshot(`
      "The system is invalid (2 problems):
        - flows.checkout.steps[1].id: Step id "a" is already used by flows.checkout.steps[0]; step ids must be unique in a flow [duplicate_step_id]
        - flows.checkout.steps[0].task: Unknown task "nope"; known tasks: charge, notify [unknown_task]"
    `);
    expect(safeValidateSystem(doc)).toEqual({ success: false, issues: errors });
  });

  it('keeps the types of a valid document', () => {
    const system: SystemDefinition = richSystem;
    expect(assertValidSystem(system).id).toBe('orders');
  });
});
