import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false, cwd: root };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const write = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

describe('runtime-core validate', () => {
  it('says a valid document is valid, with what it holds', async () => {
    const r = await cli('validate', 'examples/orders/system.ts');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^✓ examples\/orders\/system.ts is valid: orders 1.0.0, 1 process, \d+ flows, \d+ tasks, \d+ events$/);
  });

  it('lists every problem with file:line:column and exits 1', async () => {
    const file = write(
      'broken.dsl.ts',
      `export default {
  id: 'broken',
  tasks: { charge: { retry: { maxAttempts: 0 } } },
  flows: {
    checkout: { steps: [{ id: 'a', type: 'task', task: 'chrge' }] },
  },
};
`,
    );
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.dsl.ts:3:');
    expect(r.err).toContain('tasks.charge.retry.maxAttempts');
    expect(r.err).toMatch(/broken\.dsl\.ts:5:\d+ flows\.checkout\.steps\[0\]\.task: .*chrge/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a missing file, bad syntax and non-data each get one clear line', async () => {
    expect(await cli('validate', join(work, 'nope.dsl.ts'))).toMatchObject({ code: 1, err: expect.stringMatching(/nope\.dsl\.ts/) });
    const syntax = await cli('validate', write('syntax.json', '{ "id": "x", }'));
    expect(syntax.code).toBe(1);
    expect(syntax.err).toMatch(/syntax\.json:1:\d+/);
    const code = await cli('validate', write('code.dsl.ts', `import { z } from 'zod';\nexport default { id: 'x', tasks: { t: { input: z.object({}) } } };\n`));
    expect(code.err).toMatch(/code\.dsl\.ts:2:\d+/);
    expect(code.err).toContain('trusted');
  });
});

describe('runtime-core run', () => {
  it('runs a flow with tasks from a module and prints its result as JSON', async () => {
    const r = await cli(
      'run',
      'examples/orders/system.ts',
      '--flow',
      'checkout',
      '--tasks',
      'examples/orders/tasks.ts',
      '--json',
      '--input',
      JSON.stringify({ orderId: 'o-1', total: 20, lines: [{ sku: 'tea', qty: 1 }], card: '5555' }),
    );
    expect(r.err).toBe('');
    const result = JSON.parse(r.out) as { success: boolean; steps: Record<string, { status: string; attempts: number }> };
    expect(result.success).toBe(true);
    expect(result.steps.charge).toMatchObject({ status: 'completed', attempts: 2 });
    expect(r.code).toBe(0);
  }, 30_000);

  it('runs a document whose tasks are built in, and exits 1 when the flow fails', async () => {
    const file = write(
      'builtin.json',
      JSON.stringify({
        id: 'b',
        tasks: {
          double: { implementation: { type: 'transform', expression: 'input.n * 2' } },
          fail: { implementation: { type: 'mock' }, examples: [{ input: 1, error: { name: 'Nope', message: 'no' } }] },
        },
        flows: {
          ok: { steps: [{ id: 'd', type: 'task', task: 'double' }] },
          bad: { steps: [{ id: 'f', type: 'task', task: 'fail', input: '1' }] },
        },
      }),
    );
    const ok = await cli('run', file, '--flow', 'ok', '--input', '{"n":21}');
    expect(ok).toMatchObject({ code: 0, out: '✓ flow ok succeeded\n42' });
    const bad = await cli('run', file, '--flow', 'bad');
    expect(bad).toMatchObject({ code: 1, out: '✗ flow bad failed at step f: Nope: no' });
  });

  it('reads --input from @file and rejects bad JSON, unknown flows and flags in one line', async () => {
    const input = write('input.json', '{"n": 2}');
    const file = write('t.json', JSON.stringify({ id: 't', tasks: { d: { implementation: { type: 'transform', expression: 'input.n + 1' } } }, flows: { f: { steps: [{ id: 'd', type: 'task', task: 'd' }] } } }));
    expect((await cli('run', file, '--flow', 'f', '--input', `@${input}`)).out).toBe('✓ flow f succeeded\n3');
    expect(await cli('run', file, '--flow', 'f', '--input', '{nope')).toMatchObject({ code: 2, err: expect.stringMatching(/^runtime-core: --input: not valid JSON/) });
    expect(await cli('run', file, '--flow', 'g')).toMatchObject({ code: 1, err: 'Unknown flow "g"; known flows: f' });
    expect(await cli('run', file, '--flw', 'f')).toMatchObject({ code: 2, err: "runtime-core: run: unknown option '--flw' (see runtime-core run --help)" });
    expect(await cli('run', file)).toMatchObject({ code: 2, err: 'runtime-core: run: --flow <id> is required (see runtime-core run --help)' });
    expect(await cli('run', file, '--flow', 'f', '--timeout', 'soon')).toMatchObject({ code: 2, err: expect.stringContaining('--timeout expects a duration') });
  });

  it('--timeout cancels a flow that waits for an event that never comes', async () => {
    const file = write('waits.json', JSON.stringify({ id: 'w', flows: { f: { steps: [{ id: 'e', type: 'event', event: 'never' }] } } }));
    expect(await cli('run', file, '--flow', 'f', '--timeout', '10ms')).toMatchObject({ code: 1, out: expect.stringContaining('CancelledError') });
  });
});

describe('runtime-core compile', () => {
  it('writes every machine config as JSON and a module that builds them', async () => {
    const out = join(work, 'compiled');
    const r = await cli('compile', 'examples/orders/system.ts', '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'flows')).sort()).toContain('checkout.json');
    const checkout = JSON.parse(readFileSync(join(out, 'flows', 'checkout.json'), 'utf8')) as { kind: string; config: { id: string } };
    expect(checkout).toMatchObject({ kind: 'flow', config: { id: 'checkout' } });
    expect(readFileSync(join(out, 'machines.ts'), 'utf8')).toContain("import flows_checkout from './flows/checkout.json' with { type: 'json' };");
  });
});

describe('runtime-core migrate', () => {
  it('reports what converting an older-shape document changes, and writes it with --write', async () => {
    const file = write('legacy.json', readFileSync(join(root, 'test/fixtures/legacy/order-system.json'), 'utf8'));
    const dry = await cli('migrate', file);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/from the older shape to version [\d.]+, \d+ change\(s\), \d+ not exact/);
    expect(dry.out).toContain('(nothing written; pass --write to save the result)');
    const written = await cli('migrate', file, '--write');
    expect(written.out).toContain(`wrote ${file}`);
    expect(await cli('validate', file)).toMatchObject({ code: 0 });
    expect((await cli('migrate', file)).out).toMatch(/0 change\(s\), 0 not exact/);
  });

  it('fails clearly when no migration leads to the version asked for, with --strict', async () => {
    const file = write('v1.json', JSON.stringify({ id: 'v', version: '1.0.0' }));
    const r = await cli('migrate', file, '--to', '9.0.0', '--strict');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1\.0\.0.*9\.0\.0/);
  });

  it('without --strict, a --to that no registered migration leads to raises the version alone and says so', async () => {
    const file = write('v1.json', JSON.stringify({ id: 'v', version: '1.0.0' }));
    const r = await cli('migrate', file, '--to', '9.0.0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('from version 1.0.0 to version 9.0.0, 1 change(s), 0 not exact');
    expect(r.out).toContain('version: Version 1.0.0 → 9.0.0: version-only change (no migration is registered from 1.0.0)');
  });
});

describe('the command line itself', () => {
  it('has help for itself and every command, and rejects unknown commands', async () => {
    expect((await cli('--help')).out).toContain('Commands:\n  validate');
    for (const command of ['validate', 'compile', 'run', 'migrate']) expect((await cli(command, '--help')).out).toMatch(new RegExp(`^Usage: runtime-core ${command}`));
    expect(await cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect((await cli()).code).toBe(2);
  });
});
