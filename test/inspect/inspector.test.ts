import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SimulatedClock } from 'xstate';
import { createInspectCommand } from '../../src/cli/commands/inspect.js';
import { UsageError, type CliIo } from '../../src/cli/io.js';
import { defineSystem } from '../../src/dsl/schema.js';
import { createInspector, type Inspector } from '../../src/inspect/inspector.js';
import { toJson, type ServerMessage } from '../../src/inspect/page/protocol.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { deferred } from '../support/time.js';

/** A flow with a retry and a parallel step, and a process. */
const system = defineSystem({
  id: 'shop',
  name: 'Shop',
  events: { 'order.paid': { payload: { type: 'object', properties: { amount: { type: 'number', minimum: 0 } } } }, 'order.cancelled': {} },
  tasks: {
    charge: { retry: { maxAttempts: 3, initialDelay: '1s' } },
    email: {},
    sms: {},
  },
  processes: {
    order: {
      initial: 'pending',
      states: { pending: { on: { 'order.paid': 'paid', 'order.cancelled': 'cancelled' } }, paid: {}, cancelled: { type: 'final' } },
    },
  },
  flows: {
    checkout: {
      steps: [
        { id: 'charge', type: 'task', task: 'charge' },
        { id: 'notify', type: 'parallel', branches: [[{ id: 'email', type: 'task', task: 'email' }], [{ id: 'sms', type: 'task', task: 'sms' }]] },
      ],
    },
  },
});

/** A page's end of the WebSocket: every message kept, and a wait for the first not yet taken that matches. */
async function connectPage(inspector: Pick<Inspector, 'url'>) {
  const socket = new WebSocket(`${inspector.url.replace('http', 'ws')}ws`);
  const messages: ServerMessage[] = [];
  const taken = new Set<number>();
  const waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    messages.push(message);
    const waiter = waiters.find((w) => w.match(message));
    if (!waiter) return;
    waiters.splice(waiters.indexOf(waiter), 1);
    taken.add(messages.length - 1);
    waiter.resolve(message);
  });
  await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    messages,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    /** The first message of this type that matches and was not taken before; waits for it if needed. */
    next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMs = 2_000) {
      type M = Extract<ServerMessage, { type: T }>;
      const test = (m: ServerMessage): boolean => m.type === type && match(m as M);
      const index = messages.findIndex((m, i) => !taken.has(i) && test(m));
      if (index >= 0) {
        taken.add(index);
        return Promise.resolve(messages[index] as M);
      }
      return new Promise<M>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No "${type}" message matched within ${timeoutMs}ms`)), timeoutMs);
        waiters.push({ match: test, resolve: (m) => (clearTimeout(timer), resolve(m as M)) });
      });
    },
    closed: new Promise<number>((resolve) => socket.once('close', resolve)),
    close: () => socket.close(),
  };
}

const leaves = (active: string[]) => active.filter((id) => !active.some((other) => other.startsWith(`${id}.`))).join(', ');

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(options: { maxFinished?: number; forwardTo?: string } = {}) {
  const clock = new SimulatedClock();
  const inspector = await createInspector({ port: 0, now: () => clock.now(), ...options });
  const runtime = new ReactiveSystemRuntime(system, { clock, inspect: inspector.inspect });
  inspector.attach(runtime);
  cleanup.push(() => inspector.close(), () => runtime.stop());
  const charge = [deferred<unknown>(), deferred<unknown>()];
  let calls = 0;
  runtime.registerTaskImplementations({
    charge: () => (charge[calls++] ?? deferred()).promise,
    email: async () => 'emailed',
    sms: async () => 'texted',
  });
  return { clock, inspector, runtime, charge };
}

describe('the inspector server', () => {
  it('serves the page and everything it loads from 127.0.0.1, and nothing from elsewhere', async () => {
    const { inspector } = await setup();
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(inspector.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(loaded).toEqual(['/inspector.css', '/inspector.js']);
    for (const path of loaded) {
      const response = await fetch(new URL(path ?? '', inspector.url));
      expect(response.status).toBe(200);
      expect(await response.text()).not.toMatch(/https?:\/\/|\bimport\s*\(|@import/);
    }
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(new URL('/nope', inspector.url))).status).toBe(404);
    expect((await fetch(inspector.url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses other host names (DNS rebinding) and WebSockets from other origins', async () => {
    const { inspector } = await setup();
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${inspector.url.replace('http', 'ws')}ws`, { headers });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => (socket.close(), resolve(101)));
        socket.on('error', () => undefined);
      });
    expect(await status({ origin: 'https://evil.example' })).toBe(403);
    expect(await status({ host: `evil.example:${inspector.port}` })).toBe(403);
    expect(await status({ origin: `http://localhost:${inspector.port}` })).toBe(101);
    const { request } = await import('node:http');
    const code = await new Promise<number>((resolve) =>
      request(inspector.url, { headers: { host: 'evil.example' } }, (response) => resolve(response.statusCode ?? 0)).end(),
    );
    expect(code).toBe(403);
  });

  // The first layout loads elkjs, which takes a second or more.
  it('draws each definition as SVG with an element per state, by state path', { timeout: 20_000 }, async () => {
    const { inspector } = await setup();
    const response = await fetch(new URL('/diagram.svg?key=flow:checkout', inspector.url));
    expect(response.headers.get('content-type')).toContain('image/svg+xml');
    const ids = [...(await response.text()).matchAll(/data-state="([^"]*)"/g)].map((m) => m[1]);
    expect(ids).toEqual(
      expect.arrayContaining(['running.charge.$attempt', 'running.charge.$backoff', 'running.notify.$branch0.email', 'running.notify.$branch1.sms', 'succeeded', 'failed']),
    );
    const process = await (await fetch(new URL('/diagram.svg?key=process:order', inspector.url))).text();
    expect(process).toContain('data-state="pending"');
    expect((await fetch(new URL('/diagram.svg?key=flow:nope', inspector.url))).status).toBe(404);
  });

  it('closes cleanly: pages are disconnected and the port is free again', async () => {
    const { inspector } = await setup();
    const page = await connectPage(inspector);
    await inspector.close();
    await page.closed;
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(inspector.port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
    await inspector.close(); // twice is fine
  });
});

describe('the WebSocket protocol', () => {
  it('welcomes a page with the system, its definitions and the live instances', async () => {
    const { inspector } = await setup();
    const page = await connectPage(inspector);
    const hello = await page.next('system');
    expect(hello.system).toEqual({ id: 'shop', name: 'Shop', version: '1.0.0' });
    expect(hello.definitions).toEqual([
      { key: 'process:order', kind: 'process', id: 'order', events: ['order.cancelled', 'order.paid'] },
      { key: 'flow:checkout', kind: 'flow', id: 'checkout', events: ['flow.cancel'] },
    ]);
    const { instances } = await page.next('instances');
    expect(instances).toEqual([expect.objectContaining({ instanceId: 'order', kind: 'process', definitionKey: 'process:order', status: 'active' })]);
  });

  it('pushes a flow’s states as they change, microsteps included, with its events and step timings', async () => {
    const { inspector, runtime, clock, charge } = await setup();
    const page = await connectPage(inspector);
    const handle = runtime.startFlow('checkout', { total: 5 }, { instanceId: 'c-1' });
    expect((await page.next('instance', (m) => m.instance.instanceId === 'c-1')).instance).toMatchObject({ kind: 'flow', definitionId: 'checkout', status: 'active' });
    const inState = (leaf: string) => page.next('state', (m) => m.instanceId === 'c-1' && leaves(m.active) === leaf);

    await inState('running.charge.$attempt');
    charge[0]?.reject(Object.assign(new Error('card processor busy'), { code: 'BUSY' }));
    const backoff = await inState('running.charge.$backoff');
    expect(backoff).toMatchObject({
      microstep: true,
      transitions: [{ source: 'running.charge.$attempt', targets: ['running.charge.$backoff'], event: 'xstate.error.actor.charge' }],
    });
    const retrying = await page.next('steps', (m) => m.steps.charge?.delayMs !== undefined);
    expect(retrying.steps.charge).toEqual({
      status: 'running',
      attempts: 1,
      startedAt: 0,
      delayMs: 1000,
      error: { name: 'Error', message: 'card processor busy', code: 'BUSY' },
    });

    clock.increment(1000);
    await inState('running.charge.$attempt');
    charge[1]?.resolve({ chargeId: 'ch_1' });
    await inState('running.notify.$branch0.email, running.notify.$branch1.sms');
    const done = await page.next('state', (m) => m.instanceId === 'c-1' && m.status === 'done');
    expect(done.active).toEqual(['succeeded']);
    expect((await handle.result()).success).toBe(true);

    const states = page.messages.flatMap((m) => (m.type === 'state' && m.instanceId === 'c-1' ? [leaves(m.active)] : []));
    expect(states).toEqual([
      'running.charge.$attempt',
      'running.charge.$backoff',
      'running.charge.$attempt',
      'running.notify.$branch0.email, running.notify.$branch1.sms',
      expect.stringMatching(/\$done/),
      'running.notify.$branch0.$done, running.notify.$branch1.$done',
      'running.$done',
      'succeeded',
    ]);
    const finalSteps = page.messages.filter((m) => m.type === 'steps' && m.instanceId === 'c-1').at(-1);
    expect(finalSteps).toMatchObject({
      steps: {
        charge: { status: 'completed', attempts: 2, startedAt: 0, endedAt: 1000, durationMs: 1000 },
        notify: { status: 'completed', attempts: 0, durationMs: 0 },
        email: { status: 'completed', attempts: 1 },
        sms: { status: 'completed', attempts: 1 },
      },
    });
    const events = page.messages.flatMap((m) => (m.type === 'event' && m.instanceId === 'c-1' ? [m.entry] : []));
    expect(events[0]).toMatchObject({
      at: 0,
      type: 'xstate.error.actor.charge',
      source: 'charge',
      payload: { error: { name: 'Error', message: 'card processor busy', code: 'BUSY' } },
    });
    expect(events.map((e) => e.type)).toEqual([
      'xstate.error.actor.charge',
      'xstate.done.actor.charge:backoff',
      'xstate.done.actor.charge',
      'xstate.done.actor.email',
      'xstate.done.actor.sms',
    ]);
    expect(events.find((e) => e.type === 'xstate.done.actor.charge:backoff')?.at).toBe(1000);
  });

  it('answers select with the instance’s whole story: log with transitions, active states and steps', async () => {
    const { inspector, runtime, charge } = await setup();
    const handle = runtime.startFlow('checkout', { total: 5 }, { instanceId: 'c-2' });
    charge[0]?.resolve({ chargeId: 'ch_1' });
    await handle.result();
    const page = await connectPage(inspector);
    page.send({ type: 'select', instanceId: 'c-2' });
    const detail = await page.next('detail');
    expect(detail.instance).toMatchObject({ instanceId: 'c-2', status: 'done', startedAt: 0, endedAt: 0 });
    expect(detail.active).toEqual(['succeeded']);
    expect(detail.log[0]).toMatchObject({ type: 'xstate.init', payload: { input: { input: { total: 5 }, instanceId: 'c-2' } } });
    expect(detail.log.find((e) => e.type === 'xstate.done.actor.charge')).toMatchObject({
      payload: { output: { chargeId: 'ch_1' } },
      transitions: [{ source: 'running.charge.$attempt', targets: ['running.notify'], event: 'xstate.done.actor.charge' }],
    });
    expect(Object.keys(detail.steps)).toEqual(['charge', 'notify', 'email', 'sms']);
    page.send({ type: 'select', instanceId: 'nobody' });
    expect(await page.next('error')).toEqual({ type: 'error', message: 'No instance "nobody"' });
  });

  it('sends an event from the page to an instance, and the process moves', async () => {
    const { inspector, runtime } = await setup();
    const page = await connectPage(inspector);
    page.send({ type: 'send', requestId: 'r1', instanceId: 'order', event: 'order.paid', payload: { amount: 5 } });
    expect(await page.next('sent')).toEqual({ type: 'sent', requestId: 'r1', ok: true });
    expect(runtime.getProcessState('order')).toBe('paid');
    expect(await page.next('state', (m) => m.instanceId === 'order')).toMatchObject({
      active: ['paid'],
      transitions: [{ source: 'pending', targets: ['paid'], event: 'order.paid' }],
    });
    // The page addresses the instance with sendEvent's target: the payload the machine sees is the one typed.
    expect((await page.next('event', (m) => m.instanceId === 'order')).entry).toEqual(expect.objectContaining({ type: 'order.paid', payload: { amount: 5 } }));
  });

  it('reports what went wrong as data: an unknown instance, a payload against the schema, a malformed message', async () => {
    const { inspector, runtime } = await setup();
    const page = await connectPage(inspector);
    page.send({ type: 'send', requestId: 'r1', instanceId: 'ghost', event: 'order.paid', payload: {} });
    expect(await page.next('sent')).toMatchObject({ requestId: 'r1', ok: false, error: { name: 'NotFoundError', code: 'UNKNOWN_INSTANCE' } });
    page.send({ type: 'send', requestId: 'r2', instanceId: 'order', event: 'order.paid', payload: { amount: -1 } });
    expect(await page.next('sent')).toMatchObject({ requestId: 'r2', ok: false, error: { name: 'InputValidationError', code: 'INVALID_PAYLOAD' } });
    expect(runtime.getProcessState('order')).toBe('pending');
    page.send({ type: 'send', requestId: 'r3', instanceId: 'order', event: 'order.paid', payload: [1] });
    expect((await page.next('error')).message).toBe('send: payload must be a JSON object');
    page.send({ type: 'launch' });
    expect((await page.next('error')).message).toMatch(/Unknown message type "launch"/);
  });

  it('cannot send without an attached runtime, and lists no definitions then', async () => {
    const inspector = await createInspector();
    cleanup.push(() => inspector.close());
    const runtime = new ReactiveSystemRuntime(system, { inspect: inspector.inspect });
    cleanup.push(() => runtime.stop());
    const page = await connectPage(inspector);
    expect(await page.next('system')).toEqual({ type: 'system', system: null, definitions: [expect.objectContaining({ key: 'process:order' })] });
    page.send({ type: 'send', requestId: 'r1', instanceId: 'order', event: 'order.paid', payload: {} });
    expect(await page.next('sent')).toMatchObject({ ok: false, error: { message: expect.stringContaining('inspector.attach(runtime)') } });
    const detach = inspector.attach(runtime);
    expect((await page.next('system')).definitions).toHaveLength(2);
    detach();
    expect((await page.next('system')).system).toBeNull();
  });

  it('keeps a bounded number of finished instances', async () => {
    const { inspector, runtime, charge } = await setup({ maxFinished: 1 });
    const page = await connectPage(inspector);
    charge[0]?.resolve('a');
    charge[1]?.resolve('b');
    await runtime.executeFlow('checkout', {}, { instanceId: 'first' });
    await runtime.executeFlow('checkout', {}, { instanceId: 'second' });
    expect(await page.next('removed')).toEqual({ type: 'removed', instanceId: 'first' });
    const late = await connectPage(inspector);
    expect((await late.next('instances')).instances.map((i) => i.instanceId)).toEqual(['order', 'second']);
  });

  it('turns any value into JSON for the log', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const shared = { n: 1 };
    expect(toJson({ cycle, shared: [shared, shared], error: new TypeError('bad'), f: function named() {}, big: 10n, nan: NaN, at: new Date(0), set: new Set([1]) })).toEqual({
      cycle: { name: 'loop', self: '[circular]' },
      shared: [{ n: 1 }, { n: 1 }],
      error: { name: 'TypeError', message: 'bad' },
      f: '[function named]',
      big: '10',
      nan: 'NaN',
      at: '1970-01-01T00:00:00.000Z',
      set: [1],
    });
  });
});

describe('forwarding to Stately’s inspector', () => {
  it('sends the same events, in @statelyai/inspect’s format, to a WebSocket server', async () => {
    const stately = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => new Promise((resolve) => stately.close(resolve)));
    await new Promise((resolve) => stately.once('listening', resolve));
    const received: { type: string; name?: string; sessionId: string; _version?: string; event?: { type: string }; snapshot?: { value?: unknown } }[] = [];
    const snapshotOfSucceeded = deferred<void>();
    stately.on('connection', (socket) =>
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as (typeof received)[number];
        received.push(event);
        if (event.type === '@xstate.snapshot' && event.snapshot?.value === 'succeeded') snapshotOfSucceeded.resolve();
      }),
    );
    const { runtime, charge } = await setup({ forwardTo: `ws://127.0.0.1:${(stately.address() as { port: number }).port}` });
    charge[0]?.resolve('ok');
    await runtime.executeFlow('checkout', {}, { instanceId: 'fwd' });
    await snapshotOfSucceeded.promise;
    const flowActor = received.find((e) => e.type === '@xstate.actor' && e.name === 'fwd');
    expect(flowActor).toMatchObject({ _version: expect.any(String), sessionId: expect.any(String) });
    expect(received.some((e) => e.type === '@xstate.actor' && e.name === 'order')).toBe(true);
    expect(received.some((e) => e.type === '@xstate.event' && e.sessionId === flowActor?.sessionId && e.event?.type === 'xstate.done.actor.charge')).toBe(true);
  });

  it('closes promptly while the Stately server is unreachable', async () => {
    const inspector = await createInspector({ forwardTo: 'ws://127.0.0.1:9' });
    const runtime = new ReactiveSystemRuntime(system, { inspect: inspector.inspect });
    runtime.stop();
    await inspector.close();
  });
});

describe('runtime-core inspect', () => {
  const work = mkdtempSync(join(tmpdir(), 'runtime-core-inspect-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const io = (out: string[]): CliIo => ({ out: (t) => void out.push(t), err: (t) => void out.push(t), interactive: false, cwd: work });

  it('serves a system document until stopped, then closes', async () => {
    writeFileSync(join(work, 'shop.json'), JSON.stringify(system));
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out: string[] = [];
    const exit = createInspectCommand(() => stopped).run(['shop.json', '--port', '0'], io(out));
    const url = await Promise.race([
      exit.then((code) => Promise.reject(new Error(`inspect exited with ${code}: ${out.join('\n')}`))),
      new Promise<string>((resolve) => {
        const poll = () => (out.length ? resolve(/(http:\S+)/.exec(out[0] ?? '')?.[1] ?? '') : setImmediate(poll));
        poll();
      }),
    ]);
    expect(out[0]).toMatch(/^Inspecting Shop at http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C to stop\)$/);
    const page = await connectPage({ url });
    expect((await page.next('system')).definitions.map((d) => d.key)).toEqual(['process:order', 'flow:checkout']);
    stop();
    expect(await exit).toBe(0);
    await page.closed;
  });

  it('rejects a bad port or forwarding URL as a usage error', async () => {
    const command = createInspectCommand(() => Promise.resolve());
    await expect(command.run(['shop.json', '--port', 'eighty'], io([]))).rejects.toThrow(UsageError);
    await expect(command.run(['shop.json', '--forward-to', 'http://x'], io([]))).rejects.toThrow(/ws:\/\//);
    await expect(command.run([], io([]))).rejects.toThrow(/exactly one <file>/);
  });
});
