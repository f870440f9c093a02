import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { startOpenAIServer, type ScriptedOpenAIServer } from '../support/openai-server.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-generate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

async function cli(argv: string[], interactive = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive, cwd: root };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dirs = 0;
const freshDir = () => join(work, `out-${++dirs}`);
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

// Each verification runs vitest in a child process: a few seconds per subject.
const SLOW = 120_000;

describe('runtime-core generate --provider template', () => {
  it('writes a task, its types and tests, shows progress on a terminal and prints a passing summary', { timeout: SLOW }, async () => {
    const out = freshDir();
    const r = await cli(['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--provider', 'template', '--out', out], true);
    expect(r.err.split('\n')).toEqual([
      '▶ chargeCard: filling in the template',
      '… chargeCard: type check',
      '… chargeCard: running the tests',
      expect.stringMatching(/^✓ chargeCard: verified \(\d+\.\ds, 1 attempt\)$/),
    ]);
    expect(r.code).toBe(0);
    expect(listing(out)).toEqual(['chargeCard.examples.test.ts', 'chargeCard.test.ts', 'chargeCard.ts', 'chargeCard.types.ts']);
    expect(readFileSync(join(out, 'chargeCard.ts'), 'utf8')).toContain('export default async function chargeCard(input: ChargeCardInput): Promise<ChargeCardOutput>');
    expect(r.out).toContain(`wrote ${join(out, 'chargeCard.ts')}`);
    expect(r.out).toMatch(/^✓ task chargeCard: typecheck ✓, tests \d+\/\d+ passed, 1 attempt, model template$/m);
    expect(r.out.split('\n').at(-1)).toBe('✓ 1 of 1 verified');
  });

  it('refuses to overwrite without --force, naming the file and writing nothing; --force overwrites', { timeout: SLOW }, async () => {
    const out = freshDir();
    expect((await cli(['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--provider', 'template', '--out', out])).code).toBe(0);
    writeFileSync(join(out, 'chargeCard.ts'), '// mine\n');
    rmSync(join(out, 'chargeCard.test.ts'));

    const refused = await cli(['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--provider', 'template', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/chargeCard\.ts.* already exists; nothing written \(pass --force to overwrite\) \[CODEGEN_EXISTS\]$/);
    expect(refused.out).toBe('');
    expect(readFileSync(join(out, 'chargeCard.ts'), 'utf8')).toBe('// mine\n');
    expect(existsSync(join(out, 'chargeCard.test.ts'))).toBe(false);

    // The implementation is gone, its types and example tests are not: found after generation, before writing.
    rmSync(join(out, 'chargeCard.ts'));
    const late = await cli(['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--provider', 'template', '--out', out]);
    expect(late).toMatchObject({ code: 1, err: `generate: ${join(out, 'chargeCard.types.ts')} (and 1 more) already exists; nothing written (pass --force to overwrite) [CODEGEN_EXISTS]` });
    expect(listing(out)).toEqual(['chargeCard.examples.test.ts', 'chargeCard.types.ts']);

    const forced = await cli(['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--provider', 'template', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(listing(out)).toEqual(['chargeCard.examples.test.ts', 'chargeCard.test.ts', 'chargeCard.ts', 'chargeCard.types.ts']);
    expect(readFileSync(join(out, 'chargeCard.ts'), 'utf8')).toContain('export default async function chargeCard');
  });

  it('writes every task of a flow and the flow test; --json prints the summary as JSON', { timeout: SLOW }, async () => {
    const out = freshDir();
    const r = await cli(['generate', 'examples/ticket/system.ts', '--flow', 'escalation', '--provider', 'template', '--out', out, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      passed: boolean;
      out: string;
      subjects: { kind: string; id: string; model: string; files: string[]; verification: { passed: boolean }; tasks: { id: string; verification: { passed: boolean } }[] }[];
    };
    expect(report).toMatchObject({ passed: true, out, subjects: [{ kind: 'flow', id: 'escalation', model: 'template', verification: { passed: true } }] });
    const [flow] = report.subjects;
    expect(flow?.tasks.map((t) => t.id).sort()).toEqual(['notifyTeamLead', 'pageManager']);
    expect(listing(out)).toEqual(
      ['escalation.flow.test.ts', 'escalation.flow.ts', ...['notifyTeamLead', 'pageManager'].flatMap((t) => [`${t}.test.ts`, `${t}.ts`, `${t}.types.ts`])].sort(),
    );
    expect(flow?.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(listing(out));
  });
});

describe('runtime-core generate: mistakes in the call', () => {
  const orders = 'examples/orders/system.ts';

  it('exits 2 with one line for a missing or doubled selector, bad values and an unknown id', async () => {
    const out = freshDir();
    const usage = async (...argv: string[]) => {
      const r = await cli(['generate', ...argv, '--provider', 'template', '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      return r.err;
    };
    expect(await usage(orders)).toBe('runtime-core: generate: give one of --task <id>, --flow <id> or --all (see runtime-core generate --help)');
    expect(await usage(orders, '--task', 'chargeCard', '--flow', 'checkout')).toContain('not --task and --flow');
    expect(await usage(orders, '--task', 'chargeCrad')).toBe(
      'runtime-core: generate: no task "chargeCrad" in orders (tasks: chargeCard, reviewOrder, reserveLine, backorderLine, releaseStock, sendEmail, sendSms, bookShipment, refundPayment)',
    );
    expect(await usage(orders, '--flow', 'nope')).toMatch(/no flow "nope" in orders \(flows: checkout, shipping\)$/);
    expect(await usage(orders, '--task', 'chargeCard', '--language', 'python')).toContain('--language expects typescript or javascript, got "python"');
    expect(await usage(orders, '--task', 'chargeCard', '--max-attempts', '0')).toContain('--max-attempts expects a positive integer');
    expect(await usage('--task', 'chargeCard')).toContain('expected exactly one <file>');
    expect(listing(out)).toEqual([]);
  });

  it('--all on a system whose tasks are all built in has nothing to generate', async () => {
    const file = join(work, 'builtin.json');
    writeFileSync(file, JSON.stringify({ id: 'b', tasks: { double: { implementation: { type: 'transform', expression: 'input.n * 2' } } } }));
    const out = freshDir();
    expect(await cli(['generate', file, '--all', '--provider', 'template', '--out', out])).toMatchObject({ code: 0, out: `Nothing to generate in ${file}: no flows, and no tasks that need code` });
    expect(existsSync(out)).toBe(false);
  });

  it('asks for OPENAI_API_KEY, never a flag, when the openai provider has neither a key nor a server', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const r = await cli(['generate', orders, '--task', 'chargeCard', '--out', freshDir()]);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining('needs OPENAI_API_KEY in the environment') });
    expect((await cli(['generate', orders, '--task', 'chargeCard', '--api-key', 'sk-x'])).err).toContain("unknown option '--api-key'");
  });

  it('has help', async () => {
    expect((await cli(['generate', '--help'])).out).toMatch(/^Usage: runtime-core generate <file> \(--task <id> \| --flow <id> \| --all\)/);
    expect((await cli(['--help'])).out).toMatch(/^ {2}generate +write task implementations/m);
  });
});

/** A chargeCard that answers the document's examples: the declined test card fails with CardDeclined. */
const goodChargeCard = {
  code: `import type { ChargeCardInput, ChargeCardOutput } from './chargeCard.types.js';

export default async function chargeCard(input: ChargeCardInput): Promise<ChargeCardOutput> {
  if (input.card?.startsWith('4000')) throw Object.assign(new Error('card declined'), { name: 'CardDeclined' });
  return { chargeId: \`ch_\${input.orderId}\`, amount: input.amount };
}
`,
  tests: `import { expect, it } from 'vitest';
import chargeCard from './chargeCard.js';

it('charges the amount asked for', async () => {
  expect(await chargeCard({ orderId: 'o-9', amount: 12 })).toEqual({ chargeId: 'ch_o-9', amount: 12 });
});
`,
};
/** The output schema wants a string chargeId: the type check fails. */
const wrongChargeCard = { code: goodChargeCard.code.replace('chargeId: `ch_${input.orderId}`', 'chargeId: 42'), tests: '' };

describe('runtime-core generate --provider openai (a scripted server)', () => {
  let server: ScriptedOpenAIServer;
  const run = (out: string, ...more: string[]) => ['generate', 'examples/orders/system.ts', '--task', 'chargeCard', '--model', 'test-model', '--out', out, ...more];

  afterEach(async () => {
    await server.close();
  });

  async function serve(...script: Parameters<ScriptedOpenAIServer['push']>) {
    server = await startOpenAIServer(script);
    vi.stubEnv('OPENAI_BASE_URL', server.baseURL);
    vi.stubEnv('OPENAI_API_KEY', 'sk-test');
    return server;
  }

  it('repairs an answer that fails its type check, then writes the verified code', { timeout: SLOW }, async () => {
    await serve({ answer: wrongChargeCard }, { answer: goodChargeCard });
    const out = freshDir();
    const r = await cli(run(out, '--max-attempts', '2'), true);
    expect(r.code, r.out).toBe(0);
    expect(r.err.split('\n')).toEqual([
      '▶ chargeCard: asking the model',
      '… chargeCard: waiting for test-model',
      '… chargeCard: type check',
      '↻ chargeCard: asking the model to repair attempt 1',
      '… chargeCard: waiting for test-model (attempt 2)',
      '… chargeCard: type check (attempt 2)',
      '… chargeCard: running the tests (attempt 2)',
      expect.stringMatching(/^✓ chargeCard: verified \(\d+\.\ds, 2 attempts\)$/),
    ]);
    expect(r.out).toMatch(/^✓ task chargeCard: typecheck ✓, tests 3\/3 passed, 2 attempts, model test-model$/m);
    expect(readFileSync(join(out, 'chargeCard.ts'), 'utf8')).toBe(goodChargeCard.code);
    expect(listing(out)).toEqual(['chargeCard.examples.test.ts', 'chargeCard.test.ts', 'chargeCard.ts', 'chargeCard.types.ts']);
    expect(server.requests.map((q) => [q.body.model, q.headers.authorization])).toEqual([
      ['test-model', 'Bearer sk-test'],
      ['test-model', 'Bearer sk-test'],
    ]);
  });

  it('writes code that still fails verification after --max-attempts, says why, and exits 1', { timeout: SLOW }, async () => {
    await serve({ answer: wrongChargeCard });
    const out = freshDir();
    const r = await cli(run(out, '--max-attempts', '1'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✗ task chargeCard: typecheck ✗, tests did not run, 1 attempt, model test-model\n {4}chargeCard\.ts\(\d+,\d+\): error TS2322: /m);
    expect(r.out.split('\n').at(-1)).toBe('✗ 1 of 1 failed verification; its code is written for you to fix');
    expect(readFileSync(join(out, 'chargeCard.ts'), 'utf8')).toContain('chargeId: 42');
  });

  it('a refusal is one line, exit 1, and nothing is written', { timeout: SLOW }, async () => {
    await serve({ refusal: 'I cannot help with payments.' });
    const out = freshDir();
    const r = await cli(run(out));
    expect(r).toMatchObject({
      code: 1,
      out: '',
      err: 'generate: task chargeCard failed, nothing written: The model refused to write "chargeCard": I cannot help with payments. [CODEGEN_PROVIDER]',
    });
    expect(existsSync(out)).toBe(false);
  });
});
