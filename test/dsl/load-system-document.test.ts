import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, loadDslFile, loadSystemFromDsl, locationsOf, saveSystemToDsl } from '../../src/index.js';

const document = {
  id: 'shop',
  version: '1.0.0',
  tasks: { charge: {} },
  processes: { order: { initial: 'pending', states: { pending: { on: { 'order.paid': 'paid' } }, paid: {} } } },
  flows: { checkout: { steps: [{ id: 'charge', type: 'task', task: 'charge' }] } },
};

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-load-doc-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('loadSystemFromDsl resolves the system document itself, as the original README uses it', () => {
  it('new ReactiveSystemRuntime(await loadSystemFromDsl(path)) runs the system', async () => {
    const system = await loadSystemFromDsl(await file('shop.json', JSON.stringify(document)));
    expect(system).toMatchObject({ id: 'shop', version: '1.0.0' });
    const runtime = new ReactiveSystemRuntime(system);
    runtime.registerTaskImplementation('charge', async () => ({ chargeId: 'ch_1' }));
    expect(await runtime.executeFlow('checkout', {})).toMatchObject({ success: true, output: { chargeId: 'ch_1' } });
    runtime.sendEvent('order.paid', {}, { processId: 'order' });
    expect(runtime.getProcessState('order')).toBe('paid');
    runtime.stop();
  });

  it('locationsOf(system) finds where each part of a loaded document is written; loadDslFile gives all at once', async () => {
    const path = await file('shop.json', JSON.stringify(document, null, 2));
    const system = await loadSystemFromDsl(path);
    const loaded = locationsOf(system);
    expect(loaded).toMatchObject({ path, format: 'json' });
    expect(loaded?.locations.locate('flows.checkout.steps[0].task')).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const rich = await loadDslFile(path);
    expect(rich.system).toEqual(system);
    expect(locationsOf(rich.system)).toBe(rich);
    expect(locationsOf({})).toBeUndefined();
  });

  it('saveSystemToDsl takes the loaded value as it is', async () => {
    const system = await loadSystemFromDsl(await file('shop.json', JSON.stringify(document)));
    const target = join(await mkdtemp(join(tmpdir(), 'rc-save-doc-')), 'shop.dsl.ts');
    await saveSystemToDsl(system, target);
    expect(await loadSystemFromDsl(target)).toEqual(system);
  });
});
