import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defineSystem } from '../../src/dsl/schema.js';
import { createInspector, type Inspector } from '../../src/inspect/inspector.js';
import type { ServerMessage } from '../../src/inspect/page/protocol.js';
import { openStore } from '../../src/persistence/open-store.js';
import type { SnapshotStore } from '../../src/persistence/store.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';

// createInspector({ store }): the page's protocol with the instances a SQLite store holds next to the live ones.
const work = mkdtempSync(join(tmpdir(), 'runtime-core-inspector-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const system = defineSystem({
  id: 'shop',
  tasks: { total: { implementation: { type: 'transform', expression: 'input.n * 2' } } },
  flows: {
    quote: { steps: [{ id: 'total', type: 'task', task: 'total' }] },
    checkout: { steps: [{ id: 'paid', type: 'event', event: 'payment.confirmed' }] },
  },
});

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A page's end of the WebSocket: waits for the first message not yet taken that matches. */
async function connectPage(inspector: Inspector) {
  const socket = new WebSocket(`${inspector.url.replace('http', 'ws')}ws`);
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerMessage);
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));
  cleanup.push(() => socket.close());
  let taken = 0;
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    async next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true): Promise<Extract<ServerMessage, { type: T }>> {
      const deadline = Date.now() + 3_000;
      for (;;) {
        const index = messages.findIndex((m, i) => i >= taken && m.type === type && match(m as Extract<ServerMessage, { type: T }>));
        if (index >= 0) {
          taken = index + 1;
          return messages[index] as Extract<ServerMessage, { type: T }>;
        }
        if (Date.now() > deadline) throw new Error(`No "${type}" message matched`);
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
  };
}

/** A store with a finished quote and a checkout waiting for its event, written by a runtime that stopped. */
async function storeWithInstances(name: string): Promise<string> {
  const path = join(work, name);
  const writer = new ReactiveSystemRuntime(system, { store: openStore(path) });
  await writer.start();
  await writer.executeFlow('quote', { n: 21 }, { instanceId: 'quote-1' });
  writer.startFlow('checkout', {}, { instanceId: 'checkout-1' });
  await writer.close();
  return path;
}

async function inspectStore(path: string, options: { storeRefreshMs?: number } = {}): Promise<{ inspector: Inspector; runtime: ReactiveSystemRuntime; store: SnapshotStore }> {
  const store = openStore(path);
  const inspector = await createInspector({ port: 0, store, ...options });
  const runtime = new ReactiveSystemRuntime(system, { store, inspect: inspector.inspect });
  cleanup.push(() => runtime.close(), () => inspector.close());
  await runtime.start();
  inspector.attach(runtime);
  return { inspector, runtime, store };
}

describe('the inspector with a store', () => {
  it('lists stored instances next to live ones: a finished one as stored, a recovered one live with its stored record', async () => {
    const { inspector } = await inspectStore(await storeWithInstances('list.db'));
    const page = await connectPage(inspector);
    const { instances } = await page.next('instances');
    expect(instances).toEqual([
      expect.objectContaining({ instanceId: 'quote-1', kind: 'flow', definitionKey: 'flow:quote', status: 'stored', stored: expect.objectContaining({ status: 'completed', version: 2, finishedAt: expect.any(Number) }) }),
      expect.objectContaining({ instanceId: 'checkout-1', status: 'active', stored: expect.objectContaining({ status: 'running' }) }),
    ]);
  });

  it("a stored instance's detail: active states and steps from its snapshot, and its history", async () => {
    const { inspector } = await inspectStore(await storeWithInstances('detail.db'));
    const page = await connectPage(inspector);
    page.send({ type: 'select', instanceId: 'quote-1' });
    const detail = await page.next('detail');
    expect(detail).toMatchObject({ instance: { instanceId: 'quote-1', status: 'stored' }, active: ['succeeded'], log: [] });
    expect(detail.steps.total).toMatchObject({ status: 'completed', attempts: 1, durationMs: expect.any(Number) });
    expect(detail.history?.map((entry) => entry.type)).toEqual(['instance.created', 'step.started', 'step.completed', 'instance.completed']);
    expect(detail.history?.[0]).toMatchObject({ seq: 1, data: { input: { n: 21 } } });

    // A live one keeps its live detail, with the stored history added.
    page.send({ type: 'select', instanceId: 'checkout-1' });
    const live = await page.next('detail');
    expect(live).toMatchObject({ instance: { instanceId: 'checkout-1', status: 'active', stored: { status: 'running' } }, active: ['running', 'running.paid'] });
    expect(live.history?.map((entry) => entry.type)).toContain('instance.created');
  });

  it('reads the store again: an instance written by someone else appears, and one that moves on is announced', async () => {
    const path = await storeWithInstances('refresh.db');
    const { inspector, runtime } = await inspectStore(path, { storeRefreshMs: 20 });
    const page = await connectPage(inspector);
    await page.next('instances');
    // Another process writes to the file (a runtime there would also recover checkout-1, and one of the two would lose it).
    const other = openStore(path);
    const record = await other.load('quote-1');
    if (!record) throw new Error('quote-1 is not stored');
    await other.save({ record: { ...record, instanceId: 'quote-2', version: 1, updatedAt: Date.now() }, expectedVersion: 0, history: [] });
    await other.close();
    expect((await page.next('instance', (m) => m.instance.instanceId === 'quote-2')).instance).toMatchObject({ status: 'stored', stored: { status: 'completed' } });
    runtime.sendEvent('payment.confirmed', { instanceId: 'checkout-1' });
    await page.next('instance', (m) => m.instance.instanceId === 'checkout-1' && m.instance.stored?.status === 'completed');
  });

  it('rejects when the store cannot be read at first, and never closes the store', async () => {
    const missing = openStore(join(work, 'no', 'dir', 'runtime.db'));
    await expect(createInspector({ port: 0, store: missing })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const store = openStore(join(work, 'kept.db'));
    const inspector = await createInspector({ port: 0, store });
    await inspector.close();
    expect(await store.list()).toEqual({ instances: [] });
    await store.close();
  });
});
