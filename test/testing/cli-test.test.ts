import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testCommand } from '../../src/cli/commands/test.js';
import { UsageError, type CliIo } from '../../src/cli/io.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-test-cmd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false, cwd: root };
  const code = await testCommand.run(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const write = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};

const doubling = write(
  'doubling.json',
  JSON.stringify({
    id: 'doubling',
    tasks: {
      double: { examples: [{ input: { n: 2 }, output: { n: 4 } }, { input: { n: 0 }, output: { n: 0 }, description: 'zero' }] },
      unused: { examples: [{ input: {} }] },
    },
    processes: {
      door: {
        initial: 'closed',
        states: { closed: { on: { open: { target: 'opened', guard: 'event.key == "secret"' } } }, opened: { after: { '1m': 'closed' } } },
      },
    },
  }),
);

describe('runtime-core test', () => {
  it('checks every process and flow of examples/ticket and exits 0', async () => {
    const r = await run('examples/ticket/system.ts', '--tasks', 'examples/ticket/tasks.ts');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toContain('Process ticket: 23 generated paths, 18/18 transitions covered');
    expect(lines).toContain('Flow escalation: 11 generated paths, 14/14 transitions covered');
    expect(lines).toContain('Flow survey: 5 generated paths, 8/8 transitions covered');
    expect(lines).toContain('  ✓ active.sla.running → active.sla.escalated on after 1h [context.priority == "urgent"]');
    expect(lines.at(-1)).toBe('✓ 39 passed, 0 failed, 0 skipped; transitions covered: ticket 18/18, escalation 14/14, survey 8/8');
  }, 30_000);

  it('runs task examples against a tasks module, and exits 1 when one does not hold', async () => {
    const tasks = write('tasks.mjs', 'export const tasks = { double: async ({ n }) => ({ n: n * 3 }) };\n');
    const r = await run(doubling, '--tasks', tasks);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'Task examples',
      '  ✗ double #1: expected output {"n":4}, got {"n":6}',
      '  ✓ double #2 (zero)',
      '  - unused #1: skipped, no implementation',
      'Process door: 3 generated paths, 2/2 transitions covered',
      '  ✓ closed → opened on open [event.key == "secret"]',
      '  ✓ opened → closed on after 1m',
      '  ✓ reaches closed',
      '✗ 4 passed, 1 failed, 1 skipped; transitions covered: door 2/2',
    ]);
  });

  it('takes samples instead of generated payloads, lists what they leave uncovered, and can require coverage', async () => {
    const samples = JSON.stringify({ events: { open: [{ key: 'wrong' }] } });
    const r = await run(doubling, '--process', 'door', '--samples', samples);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Process door: 1 generated paths, 0/2 transitions covered');
    expect(r.out).toContain('  ! not covered: closed → opened on open [event.key == "secret"]');
    expect((await run(doubling, '--process', 'door', '--samples', samples, '--require-coverage')).code).toBe(1);
    const file = write('samples.json', JSON.stringify({ events: { open: [{ key: 'secret' }] } }));
    expect((await run(doubling, '--process', 'door', '--samples', `@${file}`, '--require-coverage')).code).toBe(0);
  });

  it('prints a JSON report', async () => {
    const r = await run(doubling, '--json');
    const report = JSON.parse(r.out) as { passed: number; failed: number; skipped: number; examples: unknown[]; machines: { id: string; covered: number; cases: unknown[] }[] };
    expect(report).toMatchObject({ passed: 3, failed: 0, skipped: 3 });
    expect(report.examples).toContainEqual({ taskId: 'unused', index: 1, status: 'skipped', message: 'no implementation' });
    expect(report.machines).toMatchObject([{ kind: 'process', id: 'door', covered: 2, transitions: 2, uncovered: [] }]);
  });

  it('skips flows it cannot drive and tasks without implementations (examples/orders)', async () => {
    const r = await run('examples/orders/system.ts');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  - chargeCard #1: skipped, no implementation');
    expect(r.out).toMatch(/^Flow checkout: skipped, Generated tests cannot drive forEach and sub-flow steps/m);
    expect(r.out).toContain('Flow shipping: 10 generated paths, 10/10 transitions covered');
  }, 30_000);

  it('tests the flow of examples/approval, a document that must be run to be read', async () => {
    const r = await run('examples/approval/system.ts', '--trusted', '--flow', 'approval');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Flow approval: 37 generated paths, 35/35 transitions covered');
  }, 30_000);

  it('says how it was called wrong', async () => {
    await expect(run()).rejects.toThrow(UsageError);
    await expect(run(doubling, '--process', 'window')).rejects.toThrow('test: no process "window" (processes: door)');
    await expect(run(doubling, '--flow', 'x')).rejects.toThrow('test: no flow "x" (flows: none)');
    await expect(run(doubling, '--max-depth', 'deep')).rejects.toThrow('test: --max-depth expects a positive integer, got "deep"');
    await expect(run(doubling, '--samples', '{"payloads":{}}')).rejects.toThrow('--samples: unknown key "payloads" (expected events, tasks, context)');
    await expect(run(doubling, '--samples', '{"events":{"open":{}}}')).rejects.toThrow('--samples: events must map each event type to a list');
  });
});
