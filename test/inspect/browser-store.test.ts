import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createInspectCommand } from '../../src/cli/commands/inspect.js';
import type { CliIo } from '../../src/cli/io.js';
import { defineSystem } from '../../src/dsl/schema.js';
import { openStore } from '../../src/persistence/open-store.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { deferred } from '../support/time.js';

/**
 * `runtime-core inspect --store` in a real headless Chromium (Debian's `chromium` package), on an SQLite store
 * holding a finished and a waiting instance. On CI a missing browser fails the test; elsewhere it is skipped.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const onCi = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-inspect-store-'));

const system = defineSystem({
  id: 'shop',
  name: 'Shop',
  events: { 'payment.confirmed': { payload: { type: 'object', properties: { orderId: { type: 'string' } } } } },
  tasks: { total: { implementation: { type: 'transform', expression: 'input.n * 2' } } },
  flows: {
    quote: { steps: [{ id: 'total', type: 'task', task: 'total' }] },
    checkout: {
      steps: [
        { id: 'total', type: 'task', task: 'total' },
        { id: 'paid', type: 'event', event: 'payment.confirmed', match: 'event.orderId == input.orderId' },
      ],
    },
  },
});

const WAIT = { timeout: 15_000 };
const stateNode = (page: Page, id: string) => page.locator(`#diagram [data-state="${id}"].active-leaf`);

describe('the inspector page on a store, in headless Chromium', () => {
  let browser: Browser | undefined;
  const stop = deferred<undefined>();
  afterAll(async () => {
    await browser?.close();
    stop.resolve(undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the stored instances, shows a finished one from its snapshot with its history, and follows a recovered one', { timeout: 90_000 }, async ({ skip }) => {
    if (!existsSync(CHROMIUM)) {
      if (onCi) throw new Error(`${CHROMIUM} is missing: on CI the browser test must run (apt-get install chromium fonts-liberation)`);
      skip(`${CHROMIUM} is not installed (apt-get install chromium); the browser test runs on CI`);
    }
    // A store holding a finished instance and one waiting for an event, written by a runtime that has stopped.
    const db = join(work, 'runtime.db');
    const writer = new ReactiveSystemRuntime(system, { store: openStore(db) });
    await writer.start();
    expect((await writer.executeFlow('quote', { n: 21 }, { instanceId: 'quote-1' })).output).toBe(42);
    writer.startFlow('checkout', { n: 1, orderId: 'o-1' }, { instanceId: 'checkout-1' });
    await writer.close();

    // runtime-core inspect shop.json --store runtime.db --port 0, until the test ends.
    const file = join(work, 'shop.json');
    writeFileSync(file, JSON.stringify(system));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false, cwd: work };
    const command = createInspectCommand(() => stop.promise).run([file, '--store', 'runtime.db', '--port', '0'], io);
    const started = Date.now();
    while (!out.some((line) => line.includes('http://')) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 20));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join('\n'))?.[1];
    expect(url, `inspect printed no address; stderr: ${err.join('\n')}`).toBeDefined();
    expect(err).toEqual([`store sqlite:${db}: recovered 1 instance (checkout-1)`]);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await page.goto(url as string);
    await page.locator('#connection[data-status="connected"]').waitFor(WAIT);

    // Both are listed: the finished one from the store, the waiting one running here again (recovered).
    const finished = page.locator('#instances [data-instance="quote-1"][data-source="store"][data-status="completed"]');
    await finished.waitFor(WAIT);
    await expect(finished.locator('small').textContent()).resolves.toMatch(/^flow quote · updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const waiting = page.locator('#instances [data-instance="checkout-1"][data-source="live"][data-status="active"]');
    await waiting.waitFor(WAIT);

    // The finished one: its state on the diagram from the stored snapshot, its steps and its stored history.
    await finished.locator('button').click();
    await stateNode(page, 'succeeded').waitFor(WAIT);
    await expect(page.locator('#diagram-title').textContent()).resolves.toBe('flow quote · quote-1 · completed (stored)');
    await expect(page.locator('#send-button').isDisabled()).resolves.toBe(true);
    await page.locator('#history-section:not([hidden])').waitFor(WAIT);
    const types = await page.locator('#history > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
    expect(types).toEqual(['instance.created', 'step.started', 'step.completed', 'instance.completed']);
    await page.locator('#history li[data-type="instance.created"] .payload', { hasText: '"n":21' }).waitFor(WAIT);
    await expect(page.locator('#steps tr[data-step="total"] td').allTextContents()).resolves.toEqual(['total', 'completed', '1', expect.stringMatching(/ms$/)]);

    // The waiting one: where it waits, its history so far (recovered included); an event from the form finishes it,
    // and the page reads the store again: the history gains instance.completed.
    await waiting.locator('button').click();
    await stateNode(page, 'running.paid').waitFor(WAIT);
    await page.locator('#history li[data-type="instance.recovered"]').waitFor(WAIT);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'inspector-store.png') });
    await page.locator('#send-event').fill('payment.confirmed');
    await page.locator('#send-payload').fill('{ "orderId": "o-1" }');
    await page.locator('#send-button').click();
    await page.locator('#send-result[data-ok="true"]').waitFor(WAIT);
    await stateNode(page, 'succeeded').waitFor(WAIT);
    await page.locator('#history li[data-type="instance.completed"]').waitFor(WAIT);
    await page.locator('#instances [data-instance="checkout-1"][data-status="done"]').waitFor(WAIT);

    expect(errors).toEqual([]);
    stop.resolve(undefined);
    await expect(command).resolves.toBe(0);
    // Stopped, the instances stay stored as they ended.
    const reader = openStore(db, { create: false });
    expect(await reader.load('checkout-1')).toMatchObject({ status: 'completed' });
    await reader.close();
  });
});
