import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { defineSystem } from '../../src/dsl/schema.js';
import { graphNodes, machineGraph } from '../../src/inspect/graph.js';
import { createInspector, type Inspector } from '../../src/inspect/inspector.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { deferred } from '../support/time.js';

/**
 * The inspector in a real headless Chromium (Debian's `chromium` package). On CI a missing browser fails
 * the test; elsewhere the test is skipped and says why.
 */
/** Debian's chromium; `CHROMIUM_PATH` points elsewhere (another system, or a path that does not exist to check the CI rule). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const onCi = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');

const system = defineSystem({
  id: 'shop',
  name: 'Shop',
  events: { 'order.paid': { payload: { type: 'object', properties: { amount: { type: 'number' } } } }, 'order.shipped': {} },
  tasks: { charge: { retry: { maxAttempts: 3, initialDelay: '1s' } }, email: {}, sms: {} },
  processes: {
    order: {
      initial: 'pending',
      states: { pending: { on: { 'order.paid': 'paid' } }, paid: { on: { 'order.shipped': 'shipped' } }, shipped: { type: 'final' } },
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

const WAIT = { timeout: 10_000 };
const stateNode = (page: Page, id: string, cls: 'active' | 'active-leaf') => page.locator(`#diagram [data-state="${id}"].${cls}`);

describe('the inspector page in headless Chromium', () => {
  let browser: Browser | undefined;
  let inspector: Inspector | undefined;
  let runtime: ReactiveSystemRuntime | undefined;
  afterAll(async () => {
    await browser?.close();
    runtime?.stop();
    await inspector?.close();
  });

  it('draws the diagram, follows the active state as events arrive, and sends an event from its form', { timeout: 60_000 }, async ({ skip }) => {
    if (!existsSync(CHROMIUM)) {
      if (onCi) throw new Error(`${CHROMIUM} is missing: on CI the browser test must run (apt-get install chromium fonts-liberation)`);
      skip(`${CHROMIUM} is not installed (apt-get install chromium); the browser test runs on CI`);
    }
    const clock = new SimulatedClock();
    inspector = await createInspector({ port: 0, now: () => clock.now() });
    runtime = new ReactiveSystemRuntime(system, { clock, inspect: inspector.inspect });
    inspector.attach(runtime);
    const charge = [deferred<unknown>(), deferred<unknown>()];
    const sms = deferred<unknown>();
    let calls = 0;
    runtime.registerTaskImplementations({
      charge: () => (charge[calls++] ?? deferred()).promise,
      email: async () => 'emailed',
      sms: () => sms.promise,
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const offline: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(inspector?.url ?? '') && !request.url().startsWith('ws://127.0.0.1')) offline.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await page.goto(inspector.url);
    await page.locator('#connection[data-status="connected"]').waitFor(WAIT);

    // The flow starts; the page lists it, and selecting it draws its diagram with a node per state.
    const handle = runtime.startFlow('checkout', { total: 42 }, { instanceId: 'checkout-1' });
    await page.locator('#instances [data-instance="checkout-1"] button').click(WAIT);
    await page.locator('#diagram svg').waitFor(WAIT);
    const machine = handle.actor.logic as Parameters<typeof machineGraph>[0];
    const expected = graphNodes(machineGraph(machine)).map((node) => node.id);
    const drawn = await page.locator('#diagram svg [data-state]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-state')));
    expect(drawn.sort()).toEqual([...expected].sort());
    expect(expected).toEqual(expect.arrayContaining(['running.charge.$attempt', 'running.charge.$backoff', 'running.notify.$branch1.sms', 'succeeded']));

    // The highlighted state moves as the flow goes: attempt → backoff → attempt → the parallel branches → succeeded.
    await stateNode(page, 'running.charge.$attempt', 'active-leaf').waitFor(WAIT);
    await expect(stateNode(page, 'running.charge', 'active').count()).resolves.toBe(1);
    charge[0]?.reject(new Error('card processor busy'));
    await stateNode(page, 'running.charge.$backoff', 'active-leaf').waitFor(WAIT);
    await stateNode(page, 'running.charge.$attempt', 'active-leaf').waitFor({ state: 'detached', ...WAIT });
    await page.locator('#steps tr[data-step="charge"] td.duration', { hasText: 'retry in 1.00s' }).waitFor(WAIT);
    clock.increment(1000);
    await stateNode(page, 'running.charge.$attempt', 'active-leaf').waitFor(WAIT);
    charge[1]?.resolve({ chargeId: 'ch_1' });
    await stateNode(page, 'running.notify.$branch1.sms', 'active-leaf').waitFor(WAIT);
    await stateNode(page, 'running.notify', 'active').waitFor(WAIT);
    await stateNode(page, 'running.notify.$branch0.$done', 'active-leaf').waitFor(WAIT);
    await expect(page.locator('#current-state').textContent()).resolves.toBe('running.notify.$branch0.$done, running.notify.$branch1.sms');
    await page.locator('#event-log li[data-type="xstate.error.actor.charge"] .payload', { hasText: 'card processor busy' }).waitFor(WAIT);
    await page.locator('#steps tr[data-step="charge"][data-status="completed"]').waitFor(WAIT);
    const chargeRow = await page.locator('#steps tr[data-step="charge"] td').allTextContents();
    expect(chargeRow).toEqual(['charge', 'completed', '2', '1.00s']);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'inspector.png') });

    sms.resolve('texted');
    await stateNode(page, 'succeeded', 'active-leaf').waitFor(WAIT);
    await page.locator('#instances [data-instance="checkout-1"][data-status="done"]').waitFor(WAIT);
    expect((await handle.result()).success).toBe(true);

    // The process: select it, send `order.paid` from the form, and it moves, in the runtime and on the page.
    await page.locator('#instances [data-instance="order"] button').click(WAIT);
    await stateNode(page, 'pending', 'active-leaf').waitFor(WAIT);
    await page.locator('#send-event').fill('order.paid');
    await page.locator('#send-payload').fill('{ "amount": 5 }');
    await page.locator('#send-button').click();
    await page.locator('#send-result[data-ok="true"]').waitFor(WAIT);
    await stateNode(page, 'paid', 'active-leaf').waitFor(WAIT);
    expect(runtime.getProcessState('order')).toBe('paid');
    await expect(stateNode(page, 'pending', 'active').count()).resolves.toBe(0);
    await page.locator('#event-log li[data-type="order.paid"] .payload', { hasText: '"amount":5' }).waitFor(WAIT);
    await page.locator('#event-log li[data-type="order.paid"] .transitions li', { hasText: 'pending → paid' }).waitFor(WAIT);

    // A mistake comes back as a message on the page; the process does not move.
    await page.locator('#send-event').fill('order.paid');
    await page.locator('#send-payload').fill('{ "amount": "lots" }');
    await page.locator('#send-button').click();
    await page.locator('#send-result[data-ok="false"]', { hasText: 'InputValidationError' }).waitFor(WAIT);
    expect(runtime.getProcessState('order')).toBe('paid');

    expect(errors).toEqual([]);
    expect(offline).toEqual([]);
  });
});
