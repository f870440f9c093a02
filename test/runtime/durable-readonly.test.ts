import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNodeRespectingFileModes } from '../support/file-modes.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ReactiveSystemRuntime, SqliteStore, defineSystem } from '../../src/index.js';

// A runtime starts on a SQLite file it may read but not write (read-only after a restart, say): the instance is
// recovered but does not advance, events to it are refused; once the file is writable the same runtime goes on.

const system = defineSystem({
  id: 'shop',
  tasks: { pack: {}, ship: {} },
  events: { 'parcel.scanned': {} },
  flows: {
    delivery: {
      steps: [
        { id: 'pack', type: 'task', task: 'pack' },
        { id: 'scanned', type: 'event', event: 'parcel.scanned' },
        { id: 'ship', type: 'task', task: 'ship' },
      ],
    },
  },
});

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const indexModule = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** The child: recovers from the read-only file, reports each thing it sees as a JSON line, waits for the repair. */
function childScript(path: string): string {
  return `import { ReactiveSystemRuntime, SqliteStore, defineSystem } from ${JSON.stringify(indexModule)};
const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
const errorOf = (error) => ({ name: error.name, code: error.code, message: error.message });
const runtime = new ReactiveSystemRuntime(defineSystem(${JSON.stringify(system)}), {
  store: new SqliteStore(${JSON.stringify(path)}),
  storeRetry: { initialDelay: 50, maxDelay: 200 },
  logger: { error: () => undefined, info: () => undefined, warn: () => undefined },
});
runtime.registerTaskImplementations({
  pack: () => (say({ type: 'task', task: 'pack' }), { box: 1 }),
  ship: () => (say({ type: 'task', task: 'ship' }), { tracking: 'T1' }),
});
const unavailable = new Promise((resolve) => runtime.registerEventHandler('store.unavailable', (payload) => {
  say({ type: 'store.unavailable', instanceId: payload.instanceId, error: payload.error });
  resolve();
}));
const restored = new Promise((resolve) => runtime.registerEventHandler('store.restored', (payload) => {
  say({ type: 'store.restored', instanceId: payload.instanceId });
  resolve();
}));
// The runtime's retry timers are unref'd (they must not keep a process alive); a server would have its listener.
const keepAlive = setInterval(() => undefined, 1000);
say({ type: 'report', report: await runtime.start() });
await unavailable;
try {
  runtime.sendEvent('parcel.scanned', { instanceId: 'd1' });
  say({ type: 'refused', error: null });
} catch (error) {
  say({ type: 'refused', error: errorOf(error) });
}
say({ type: 'waiting' });
await restored;
runtime.sendEvent('parcel.scanned', { instanceId: 'd1' });
say({ type: 'accepted' });
say({ type: 'result', result: await runtime.flowResult('d1') });
say({ type: 'history', types: (await runtime.getHistory('d1')).map((entry) => entry.type) });
await runtime.close();
clearInterval(keepAlive);
`;
}

interface ChildLine {
  type: string;
  [key: string]: unknown;
}

/** The child's stdout as JSON lines, and a way to wait for one of them. */
class ChildOutput {
  readonly lines: ChildLine[] = [];
  private stderr = '';
  private exit: number | null | undefined;
  private readonly waiting = new Set<() => void>();

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const complete = buffer.split('\n');
      buffer = complete.pop() ?? '';
      for (const text of complete) if (text.trim() !== '') this.lines.push(JSON.parse(text) as ChildLine);
      this.wake();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('close', (code) => {
      this.exit = code;
      this.wake();
    });
  }

  /** What the child printed, for a failed assertion's message. */
  diagnostics(): string {
    return `stdout: ${JSON.stringify(this.lines)}\nstderr: ${this.stderr}`;
  }

  /** Resolves with the first line of `type`; rejects if the child ends without printing it. */
  line(type: string): Promise<ChildLine> {
    return this.until(() => this.lines.find((line) => line.type === type), `a "${type}" line`);
  }

  /** Resolves with the exit code. */
  exited(): Promise<number | null> {
    return this.until(() => (this.exit === undefined ? undefined : { code: this.exit }), 'exit').then(({ code }) => code);
  }

  /** Waits for `found`, at most `timeoutMs` (less than the test's timeout, so the failure shows what the child printed). */
  private until<T>(found: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${what} from the child within ${timeoutMs} ms\n${this.diagnostics()}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiting.delete(check);
        if (error) reject(error);
      };
      const check = () => {
        const value = found();
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (this.exit !== undefined) finish(new Error(`the child exited with ${String(this.exit)} before ${what}\n${this.diagnostics()}`));
      };
      this.waiting.add(check);
      check();
    });
  }

  private wake(): void {
    for (const check of [...this.waiting]) check();
  }
}

describe('a read-only SQLite file', () => {
  const dirs: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  afterAll(async () => {
    // Only the children this test spawned, if a failure left one running.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('the runtime recovers, refuses events, does not advance; once the file is writable the same runtime goes on', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-readonly-'));
    dirs.push(dir);
    const path = join(dir, 'runtime.db');

    // A flow waits for an event after a completed task; its runtime is gone.
    const store = new SqliteStore(path);
    const first = new ReactiveSystemRuntime(system, { store });
    const packed: string[] = [];
    first.registerTaskImplementations({ pack: () => (packed.push('pack'), { box: 1 }), ship: () => ({ tracking: 'T0' }) });
    await first.start();
    first.startFlow('delivery', {}, { instanceId: 'd1' });
    await vi.waitFor(async () => expect((await store.load('d1'))?.snapshot).toMatchObject({ value: { running: 'scanned' } }));
    await first.whenStored('d1');
    const before = (await first.getHistory('d1')).map((entry) => entry.type);
    expect(before).toEqual(['instance.created', 'step.started', 'step.completed', 'step.started']);
    expect(packed).toEqual(['pack']);
    await first.close();

    // Root writes through file modes, so as root the child runs without the capabilities that override them.
    // SQLite needs to create the -shm file next to a WAL database to read it: the directory stays writable.
    const asRoot = process.getuid?.() === 0;
    await chmod(dir, asRoot ? 0o777 : 0o700);
    for (const file of await readdir(dir)) await chmod(join(dir, file), 0o444);
    const script = join(dir, 'child.mts');
    await writeFile(script, childScript(path), { mode: 0o644 });
    const child = spawnNodeRespectingFileModes(['--import', 'tsx', script], { cwd: repoRoot, env: { ...process.env, HOME: tmpdir() } });
    children.push(child);
    const output = new ChildOutput(child);
    try {
      await output.line('waiting');
      // The failed recovery write may be reported before or after start() resolves.
      expect(output.lines.slice(0, 2).map((line) => line.type).sort()).toEqual(['report', 'store.unavailable']);
      expect(output.lines.slice(2).map((line) => line.type)).toEqual(['refused', 'waiting']);
      // Restoring needs no write: the instance is recovered; its recovery write is what fails.
      expect((await output.line('report')).report).toEqual({ recovered: ['d1'], upgraded: [], needsMigration: [], unreadable: [], removed: 0 });
      const unavailable = await output.line('store.unavailable');
      expect(unavailable).toMatchObject({ instanceId: 'd1', error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining(path) } });
      expect(unavailable).toMatchObject({ error: { message: expect.stringContaining('save of instance "d1"') } });
      expect(unavailable).toMatchObject({ error: { message: expect.stringMatching(/SQLITE_READONLY/) } });
      const refused = await output.line('refused');
      expect(refused.error).toMatchObject({ name: 'PersistenceError', code: 'STORE_UNAVAILABLE', message: expect.stringContaining(`sqlite:${path}`) });

      // The repair: the child's store opened the file read-only; it must open it again to write.
      for (const file of await readdir(dir)) await chmod(join(dir, file), 0o666);
      const code = await output.exited();
      expect(code, output.diagnostics()).toBe(0);
    } finally {
      if (output.child.exitCode === null && output.child.signalCode === null) output.child.kill('SIGKILL');
    }

    expect(output.lines.slice(2).map((line) => line.type)).toEqual([
      'refused',
      'waiting',
      'store.restored',
      'accepted',
      'task',
      'result',
      'history',
    ]);
    expect(output.lines.filter((line) => line.type === 'task').map((line) => line.task)).toEqual(['ship']);
    expect((await output.line('result')).result).toMatchObject({ success: true });
    const after = ['instance.recovered', 'event.received', 'step.completed', 'step.started', 'step.completed', 'instance.completed'];
    expect((await output.line('history')).types).toEqual([...before, ...after]);

    // Read back in this process: nothing lost, every entry once and in order.
    const reader = new SqliteStore(path);
    try {
      expect(await reader.load('d1')).toMatchObject({ status: 'completed', snapshot: { status: 'done' } });
      const history = await reader.history('d1');
      expect(history.map((entry) => entry.seq)).toEqual(history.map((_, i) => i + 1));
      expect(history.map((entry) => `${entry.type}${typeof entry.data?.step === 'string' ? ` ${entry.data.step}` : ''}`)).toEqual([
        'instance.created',
        'step.started pack',
        'step.completed pack',
        'step.started scanned',
        'instance.recovered',
        'event.received',
        'step.completed scanned',
        'step.started ship',
        'step.completed ship',
        'instance.completed',
      ]);
    } finally {
      await reader.close();
    }
  });
});
