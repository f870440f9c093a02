import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import type { HistoryEntry, InstancePage } from '../../src/persistence/store.js';

// The commands on stored instances, against real SQLite files in a temporary directory (the working directory
// of every call, so the default ./runtime.db lands there too).
const work = mkdtempSync(join(tmpdir(), 'runtime-core-store-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false, cwd: work };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const write = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

const SYSTEM = write(
  'shop.json',
  JSON.stringify({
    id: 'shop',
    version: '1.0.0',
    events: { 'payment.confirmed': { payload: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } } } },
    tasks: {
      double: { implementation: { type: 'transform', expression: 'input.n * 2' } },
      charge: {},
      slow: {},
    },
    processes: { order: { initial: 'pending', states: { pending: { on: { 'payment.confirmed': 'paid' } }, paid: {} } } },
    flows: {
      checkout: {
        steps: [
          { id: 'double', type: 'task', task: 'double' },
          { id: 'paid', type: 'event', event: 'payment.confirmed', match: 'event.orderId == input.orderId' },
          { id: 'again', type: 'task', task: 'double', input: '{ "n": steps.double }' },
        ],
      },
      charging: { steps: [{ id: 'charge', type: 'task', task: 'charge' }] },
      cooling: { steps: [{ id: 'cool', type: 'wait', duration: '150ms' }, { id: 'double', type: 'task', task: 'double' }] },
      slowly: { steps: [{ id: 'slow', type: 'task', task: 'slow' }] },
    },
  }),
);
const TASKS = write(
  'tasks.mjs',
  `export const tasks = {
  charge: async () => ({ chargeId: 'ch_1' }),
  slow: (input) => new Promise((resolve) => setTimeout(() => resolve({ slow: true }), input.ms ?? 0)),
};
`,
);

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

describe('a flow that waits for an event, through run --store, instances, send, state and history', () => {
  const db = join(work, 'orders.db');
  const store = ['--store', db];

  it('run --store recovers the store, starts the flow, and leaves it stored, waiting', async () => {
    const r = await cli('run', SYSTEM, '--flow', 'checkout', '--input', '{"n":2,"orderId":"o-1"}', '--instance', 'c-1', ...store);
    expect(r).toMatchObject({ code: 0, err: `store sqlite:${db}: nothing to recover` });
    expect(r.out).toBe(`⏸ flow checkout (instance c-1) is waiting at running.paid; it stays stored in sqlite:${db}`);
  });

  it('instances lists it, with the default process instance, as a table and as JSON', async () => {
    const r = await cli('instances', SYSTEM, ...store);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.out.split('\n');
    expect(header).toMatch(/^INSTANCE\s+KIND\s+DEFINITION\s+STATUS\s+VERSION\s+UPDATED$/);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 4))).toEqual(
      expect.arrayContaining([
        ['c-1', 'flow', 'checkout', 'running'],
        ['order', 'process', 'order', 'running'],
      ]),
    );
    expect(rows.every((row) => ISO.test(row))).toBe(true);
    const json = JSON.parse((await cli('instances', SYSTEM, '--flow', 'checkout', '--json', ...store)).out) as InstancePage;
    expect(json.instances.map((i) => [i.instanceId, i.status])).toEqual([['c-1', 'running']]);
    const paged = await cli('instances', SYSTEM, '--limit', '1', ...store);
    const cursor = /^more: --cursor (\S+)$/m.exec(paged.out)?.[1] ?? '';
    expect(cursor).not.toBe('');
    const next = await cli('instances', SYSTEM, '--limit', '1', '--cursor', cursor, ...store);
    expect(next.out.split('\n')).toHaveLength(2);
    expect(next.out).not.toContain(paged.out.split('\n')[1]?.split(' ')[0] ?? '?');
  });

  it('send checks the payload, delivers the event, runs until the instances settle and prints what moved', async () => {
    // Refused before recovery: nothing is written.
    const bad = await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":5}', ...store);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('Payload of event "payment.confirmed" does not match its schema: payload.orderId: Invalid input: expected string, received number [INVALID_PAYLOAD]');
    const r = await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":"o-1"}', ...store);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`store sqlite:${db}: recovered 2 instances (order, c-1)`);
    const [title, ...moves] = r.out.split('\n');
    expect(title).toBe('✓ sent payment.confirmed; 2 instances moved:');
    expect(moves.map((line) => line.trim().split(/\s{2,}/))).toEqual(
      expect.arrayContaining([
        ['c-1', 'flow checkout', 'running.paid → succeeded', 'completed'],
        ['order', 'process order', 'pending → paid', 'running'],
      ]),
    );
  });

  it('state shows the completed flow: status, state, steps, output, version and times', async () => {
    const r = await cli('state', SYSTEM, 'c-1', ...store);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^instance:\s+c-1\ndefinition:\s+flow checkout\nstatus:\s+completed\nstate:\s+succeeded\nversion:\s+\d+\n/);
    expect(r.out).toMatch(new RegExp(`created:\\s+${ISO.source}\\nupdated:\\s+${ISO.source}\\nfinished:\\s+${ISO.source}`));
    expect(r.out).toContain('output:      8');
    expect(r.out).toMatch(/steps:\n\s+double\s+completed\s+1 attempt\n\s+paid\s+completed\s+0 attempts\n\s+again\s+completed\s+1 attempt$/);
    const json = JSON.parse((await cli('state', SYSTEM, 'c-1', '--json', ...store)).out) as Record<string, unknown>;
    expect(json).toMatchObject({ instanceId: 'c-1', kind: 'flow', status: 'completed', state: 'succeeded', result: { success: true, output: 8 } });
    expect(json.steps).toMatchObject({ double: { status: 'completed', attempts: 1 }, paid: { status: 'completed' }, again: { status: 'completed' } });
    const process = JSON.parse((await cli('state', SYSTEM, 'order', '--json', ...store)).out) as Record<string, unknown>;
    expect(process).toMatchObject({ kind: 'process', status: 'running', state: 'paid', context: {} });
  });

  it('history lists what happened, in order, with times', async () => {
    const r = await cli('history', SYSTEM, 'c-1', ...store);
    expect(r.code).toBe(0);
    const types = r.out.split('\n').map((line) => line.split(/\s{2,}/)[2]);
    // Before send: created, double ran, paid started. Then send's recovery, the event and the rest (one macrostep: its order may vary).
    expect(types.slice(0, 6)).toEqual(['instance.created', 'step.started', 'step.completed', 'step.started', 'instance.recovered', 'event.received']);
    expect(types.slice(6, -1).sort()).toEqual(['step.completed', 'step.completed', 'step.started']);
    expect(types.at(-1)).toBe('instance.completed');
    expect(r.out.split('\n').every((line, i) => line.startsWith(`${i + 1} `) && ISO.test(line))).toBe(true);
    expect(r.out).toContain('event.received      {"event":"payment.confirmed","payload":{"orderId":"o-1"}}');
    const json = JSON.parse((await cli('history', SYSTEM, 'c-1', '--json', ...store)).out) as HistoryEntry[];
    expect(json[0]).toMatchObject({ instanceId: 'c-1', seq: 1, type: 'instance.created', data: { input: { n: 2, orderId: 'o-1' } } });
  });

  it('send to a finished instance, or to one the store does not hold, is refused in one line', async () => {
    expect(await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":"o-1"}', '--instance', 'c-1', ...store)).toMatchObject({
      code: 1,
      err: 'Instance "c-1" is completed; it takes no more events [INSTANCE_FINISHED]',
    });
    // Addressed to the default instance of a process, which takes it without moving.
    expect((await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":"o-9"}', '--process', 'order', ...store)).out).toBe('✓ sent payment.confirmed; no instance moved');
    const unknown = await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":"o-1"}', '--instance', 'nope', ...store);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^Unknown instance "nope" in sqlite:\S+; known instances: .*\bc-1\b.* \[UNKNOWN_INSTANCE\]$/);
  });
});

describe('cancel and terminate', () => {
  const db = join(work, 'ending.db');
  const store = ['--store', db];

  it('cancel and terminate a waiting instance, with the reason stored; a finished one is refused', async () => {
    for (const id of ['w-1', 'w-2']) {
      expect((await cli('run', SYSTEM, '--flow', 'checkout', '--input', `{"n":1,"orderId":"${id}"}`, '--instance', id, ...store)).code).toBe(0);
    }
    expect(await cli('cancel', SYSTEM, 'w-1', '--reason', 'customer left', ...store)).toMatchObject({
      code: 0,
      out: '✓ flow checkout instance w-1: running → cancelled (customer left)',
    });
    expect(await cli('terminate', SYSTEM, 'w-2', ...store)).toMatchObject({
      code: 2,
      err: 'runtime-core: terminate: --reason <text> is required (see runtime-core terminate --help)',
    });
    expect(await cli('terminate', SYSTEM, 'w-2', '--reason', 'duplicate order', ...store)).toMatchObject({
      code: 0,
      out: '✓ flow checkout instance w-2: running → terminated (duplicate order)',
    });
    const state = JSON.parse((await cli('state', SYSTEM, 'w-2', '--json', ...store)).out) as Record<string, unknown>;
    expect(state).toMatchObject({ status: 'terminated', error: { name: 'TerminatedError', message: 'duplicate order' }, finishedAt: expect.any(Number) });
    const history = JSON.parse((await cli('history', SYSTEM, 'w-1', '--json', ...store)).out) as HistoryEntry[];
    expect(history.at(-1)).toMatchObject({ type: 'instance.cancelled', data: { reason: 'customer left' } });
    expect(await cli('cancel', SYSTEM, 'w-1', ...store)).toMatchObject({ code: 1, err: 'Instance "w-1" is already cancelled [INSTANCE_FINISHED]' });
    // Neither is recovered any more.
    expect((await cli('send', SYSTEM, 'payment.confirmed', '{"orderId":"w-1"}', ...store)).err).toBe(`store sqlite:${db}: recovered 1 instance (order)`);
  });

  it('an unknown id is one line listing the ids the store holds', async () => {
    for (const command of ['state', 'history', 'cancel']) {
      const r = await cli(command, SYSTEM, 'w-9', ...store);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^Unknown instance "w-9" in sqlite:\S+ending\.db; known instances: (?=.*\bw-1\b)(?=.*\bw-2\b).* \[UNKNOWN_INSTANCE\]$/);
    }
  });
});

describe('resume', () => {
  const db = join(work, 'resume.db');
  const store = ['--store', db];

  it('a task without an implementation is not run: the flow waits stored, and resume --tasks finishes it', async () => {
    const run = await cli('run', SYSTEM, '--flow', 'charging', '--instance', 'ch-1', ...store);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^⏸ flow charging \(instance ch-1\) waits for task "charge", which has no implementation here; it stays stored in sqlite:\S+: finish it with runtime-core resume <file> --tasks <module>$/);
    expect(JSON.parse((await cli('state', SYSTEM, 'ch-1', '--json', ...store)).out)).toMatchObject({ status: 'running', state: { running: 'charge' } });
    const without = await cli('resume', SYSTEM, ...store);
    expect(without).toMatchObject({ code: 1, out: 'ch-1  flow charging  running  waiting at running.charge\ntask "charge" has no implementation here: ch-1 waits for it (pass --tasks)' });
    const resumed = await cli('resume', SYSTEM, '--tasks', TASKS, ...store);
    expect(resumed).toMatchObject({ code: 0, out: 'ch-1  flow charging  completed', err: `store sqlite:${db}: recovered 2 instances (order, ch-1)` });
    expect(JSON.parse((await cli('state', SYSTEM, 'ch-1', '--json', ...store)).out)).toMatchObject({ status: 'completed', result: { output: { chargeId: 'ch_1' } } });
    expect(await cli('resume', SYSTEM, ...store)).toMatchObject({ code: 0, out: 'no flow to resume' });
  });

  it('a timer due after --timeout is left stored; resume waits for it and finishes the flow', async () => {
    const run = await cli('run', SYSTEM, '--flow', 'cooling', '--input', '{"n":5}', '--instance', 'cool-1', '--timeout', '10ms', ...store);
    expect(run).toMatchObject({ code: 0, out: expect.stringMatching(/^⏸ flow cooling \(instance cool-1\) is waiting at running\.cool; it stays stored/) });
    const resumed = await cli('resume', SYSTEM, '--json', ...store);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ flows: [{ instanceId: 'cool-1', status: 'completed', state: 'succeeded' }], parked: [], settled: true });
    const history = JSON.parse((await cli('history', SYSTEM, 'cool-1', '--json', ...store)).out) as HistoryEntry[];
    expect(history.map((e) => e.type)).toContain('timer.fired');
  });

  it('--timeout stops waiting for a task that runs longer; the flow stays stored and resume runs the attempt again', async () => {
    const run = await cli('run', SYSTEM, '--flow', 'slowly', '--input', '{"ms":400}', '--instance', 's-1', '--tasks', TASKS, '--timeout', '20ms', ...store);
    expect(run).toMatchObject({ code: 1, out: expect.stringMatching(/^⏸ flow slowly \(instance s-1\) is still running at running\.slow after 20ms; it stays stored/) });
    const resumed = await cli('resume', SYSTEM, '--tasks', TASKS, ...store);
    expect(resumed).toMatchObject({ code: 0, out: 's-1  flow slowly  completed' });
  });
});

describe('stores and defaults', () => {
  it('without --store, run keeps the flow in memory and writes no store', async () => {
    expect(await cli('run', SYSTEM, '--flow', 'cooling', '--input', '{"n":1}')).toMatchObject({ code: 0, out: '✓ flow cooling succeeded\n2' });
    expect(existsSync(join(work, 'runtime.db'))).toBe(false);
  });

  it('the store commands default to ./runtime.db in the working directory', async () => {
    expect(await cli('instances', SYSTEM)).toMatchObject({ code: 1, err: `SQLite store "${join(work, 'runtime.db')}": no such file (nothing was stored there yet) [STORE_UNAVAILABLE]` });
    expect((await cli('run', SYSTEM, '--flow', 'checkout', '--input', '{"n":1,"orderId":"d"}', '--instance', 'd-1', '--store', './runtime.db')).code).toBe(0);
    expect((await cli('instances', SYSTEM, '--flow', 'checkout')).out).toMatch(/\nd-1\s+flow\s+checkout\s+running/);
  });

  it('a store in a missing directory is one line naming the store, STORE_UNAVAILABLE', async () => {
    const missing = join(work, 'no', 'such', 'dir', 'runtime.db');
    for (const argv of [
      ['run', SYSTEM, '--flow', 'checkout', '--store', missing],
      ['send', SYSTEM, 'payment.confirmed', '{"orderId":"x"}', '--store', missing],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`SQLite store "${missing}": init (opening the database) failed: Cannot open database because the directory does not exist [STORE_UNAVAILABLE]`);
    }
    expect(await cli('state', SYSTEM, 'x', '--store', missing)).toMatchObject({ code: 1, err: expect.stringMatching(/^SQLite store "\S+": no such file .*\[STORE_UNAVAILABLE\]$/) });
  });

  it('mistakes in the call are usage errors: exit 2, one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['instances', SYSTEM, '--store', 'mysql://u:pw@db/x'], /^runtime-core: instances: --store: unsupported store "mysql:\/\/u:\*\*\*@db\/x"/],
      [['instances', SYSTEM, '--status', 'sleeping'], /^runtime-core: instances: unknown --status "sleeping"; statuses: running, needs-migration, completed/],
      [['instances', SYSTEM, '--limit', '0'], /--limit expects a positive whole number/],
      [['state', SYSTEM], /^runtime-core: state: expected <file> <instanceId> \(see runtime-core state --help\)$/],
      [['send', SYSTEM, 'payment.confirmed', '[1]'], /^runtime-core: send: the payload must be a JSON object$/],
      [['send', SYSTEM, 'payment.confirmed', '{nope'], /^runtime-core: payload: not valid JSON/],
      [['send', SYSTEM, 'e', '--timeout', 'soon'], /^runtime-core: send: --timeout expects a duration/],
      [['resume', SYSTEM, '--tasks', 'missing.mjs'], /^runtime-core: --tasks: no module at missing.mjs$/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect({ argv, code: r.code, lines: r.err.split('\n').length }).toEqual({ argv, code: 2, lines: 1 });
      expect(r.err).toMatch(message);
    }
    const cursor = await cli('instances', SYSTEM, '--cursor', 'bogus', '--store', join(work, 'orders.db'));
    expect(cursor).toMatchObject({ code: 2, err: expect.stringContaining('Invalid list cursor') });
  });

  it('every store command has help', async () => {
    for (const command of ['send', 'state', 'instances', 'history', 'cancel', 'terminate', 'resume']) {
      const r = await cli(command, '--help');
      expect(r.out).toMatch(new RegExp(`^Usage: runtime-core ${command} <file>`));
      expect(r.out).toContain('--store <spec>');
    }
    expect((await cli('--help')).out).toMatch(/\n {2}send +send an event/);
  });
});

describe('send --instance addresses without touching the payload', () => {
  const strict = write(
    'strict.json',
    JSON.stringify({
      id: 'strict',
      version: '1.0.0',
      events: { ping: { payload: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'number' } } } } },
      processes: { counter: { initial: 'idle', states: { idle: { on: { ping: 'pinged' } }, pinged: {} } } },
    }),
  );
  const store = ['--store', join(work, 'strict.db')];

  it('an event whose schema allows no extra field reaches the addressed instance, and its history shows the payload alone', async () => {
    const sent = await cli('send', strict, 'ping', '{"n":1}', '--instance', 'counter', ...store);
    expect(sent.code).toBe(0);
    expect(sent.out).toContain('counter');
    expect(sent.out).toContain('idle → pinged');
    const history = JSON.parse((await cli('history', strict, 'counter', '--json', ...store)).out) as HistoryEntry[];
    expect(history.find((entry) => entry.type === 'event.received')?.data).toEqual({ event: 'ping', payload: { n: 1 } });
  });
});
