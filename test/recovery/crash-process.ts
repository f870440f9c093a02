import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import type { HistoryEntry, InstanceSummary } from '../../src/persistence/store.js';
import type { RecoveryReport } from '../../src/runtime/host/instance-host.js';
import type { CrashChildArgs } from './crash-child.js';

// The crash-recovery test's child processes: started with tsx, killed by their own handle only.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD = 'test/recovery/crash-child.ts';
const POLL_MS = 10;
/** Generous bounds: a child takes ~1 s to start on a quiet 2-core machine, several while other children start. */
const READY_TIMEOUT_MS = 20_000;
const RECOVER_TIMEOUT_MS = 20_000;

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

export function startChild(args: CrashChildArgs): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited, hasExited: () => done };
}

/** Kills the child we spawned (by its handle, never by name) unless it is gone already. */
export async function killChild(child: Child): Promise<void> {
  if (!child.hasExited()) child.process.kill('SIGKILL');
  await child.exited;
}

export async function pollUntil(what: string, child: Child, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await condition()) return;
    if (child.hasExited()) throw new Error(`The child exited before ${what}:\n${child.stdout()}\n${child.stderr()}`);
    if (Date.now() > deadline) throw new Error(`Not observed within ${READY_TIMEOUT_MS} ms: ${what}\nchild output:\n${child.stdout()}\n${child.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface RecoverOutput {
  report: RecoveryReport;
  results: Record<string, FlowExecutionResult>;
  instances: InstanceSummary[];
  history: Record<string, HistoryEntry[]>;
}

export async function recoverInChild(args: CrashChildArgs): Promise<RecoverOutput> {
  const child = startChild(args);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`recovery did not finish in ${RECOVER_TIMEOUT_MS} ms:\n${child.stdout()}\n${child.stderr()}`)), RECOVER_TIMEOUT_MS);
  });
  try {
    const { code, signal } = await Promise.race([child.exited, timeout]);
    expect({ code, signal }, child.stderr()).toEqual({ code: 0, signal: null });
  } finally {
    clearTimeout(timer);
    await killChild(child);
  }
  const last = child.stdout().trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RecoverOutput;
}

