import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { CodeGenerationError, CodeGenerator } from '../../codegen/index.js';
import type { CodeGenerationProgress, CodeGeneratorOptions, CodeLanguage, GeneratedCode, GeneratedFlowCode, VerificationReport } from '../../codegen/index.js';
import { loadDslFile } from '../../dsl/load/index.js';
import type { SystemDefinition } from '../../dsl/schema.js';
import { flowFileNames, flowTasks } from '../../codegen/flow-files.js';
import { taskFileNames } from '../../codegen/task-files.js';
import { RuntimeCoreError } from '../../errors.js';
import { flagOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError, type CliIo } from '../io.js';

interface Subject {
  kind: 'task' | 'flow';
  id: string;
}

interface Outcome extends Subject {
  result: GeneratedCode;
  /** The task results of a flow. */
  tasks: GeneratedCode[];
  /** File names (in the output folder) this subject contributes; a task two flows share is written once. */
  files: string[];
}

const PROVIDERS = ['openai', 'template'] as const;
const LANGUAGES = ['typescript', 'javascript'] as const;

const builtIn = (system: SystemDefinition, taskId: string) => system.tasks?.[taskId]?.implementation !== undefined;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`generate: ${flag} expects ${allowed.join(' or ')}, got "${value}"`);
}

/** Which subjects to generate: `--task`, `--flow`, or `--all` (every flow, then every task no flow runs). */
function selectSubjects(system: SystemDefinition, task: string | undefined, flow: string | undefined, all: boolean): Subject[] {
  const given = [task !== undefined && '--task', flow !== undefined && '--flow', all && '--all'].filter(Boolean);
  if (given.length !== 1) {
    throw new UsageError(`generate: give one of --task <id>, --flow <id> or --all${given.length ? `, not ${given.join(' and ')}` : ''} (see runtime-core generate --help)`);
  }
  const taskIds = Object.keys(system.tasks ?? {});
  const flowIds = Object.keys(system.flows ?? {});
  if (task !== undefined) {
    if (!taskIds.includes(task)) throw new UsageError(`generate: no task "${task}" in ${system.id} (tasks: ${taskIds.join(', ') || 'none'})`);
    return [{ kind: 'task', id: task }];
  }
  if (flow !== undefined) {
    if (!flowIds.includes(flow)) throw new UsageError(`generate: no flow "${flow}" in ${system.id} (flows: ${flowIds.join(', ') || 'none'})`);
    return [{ kind: 'flow', id: flow }];
  }
  const inFlows = new Set(flowIds.flatMap((id) => flowTasks(id, system)));
  // A task with a built-in implementation (http, transform, mock, emit) needs no code.
  const ownTasks = taskIds.filter((id) => !inFlows.has(id) && !builtIn(system, id));
  return [...flowIds.map((id): Subject => ({ kind: 'flow', id })), ...ownTasks.map((id): Subject => ({ kind: 'task', id }))];
}

/** Refuses to overwrite: one line naming the first file that exists, and how many more do. */
function refuseExisting(out: string, names: readonly string[], io: CliIo): void {
  const existing = names.filter((name) => existsSync(join(out, name)));
  const [first] = existing;
  if (first === undefined) return;
  const more = existing.length > 1 ? ` (and ${existing.length - 1} more)` : '';
  throw new RuntimeCoreError('CODEGEN_EXISTS', `generate: ${shown(io.cwd, join(out, first))}${more} already exists; nothing written (pass --force to overwrite) [CODEGEN_EXISTS]`);
}

/** Writes every file to a temporary name first, then renames them all: a failed write leaves no half-written file. */
async function writeAtomically(out: string, files: ReadonlyMap<string, string>): Promise<void> {
  await mkdir(out, { recursive: true });
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    for (const [name, text] of files) await writeFile(join(out, name + suffix), text, { flag: 'wx' });
  } catch (error) {
    await Promise.all([...files.keys()].map((name) => rm(join(out, name + suffix), { force: true })));
    throw error;
  }
  for (const name of files.keys()) await rename(join(out, name + suffix), join(out, name));
}

/** A path as a person would type it: relative to the working folder when inside it. */
function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function verificationLine(v: VerificationReport): string {
  const { total, failed, failures } = v.tests;
  const tests = total > 0 ? `tests ${total - failed}/${total} passed` : failures.length ? 'tests did not run' : 'no tests';
  return `typecheck ${v.typecheck.passed ? '✓' : '✗'}, ${tests}`;
}

/** What went wrong, a few lines at most, leaving out what `shownElsewhere` (a flow's task lines) says. */
function problems(v: VerificationReport, indent: string, shownElsewhere: ReadonlySet<string> = new Set()): string[] {
  const lines = [...v.typecheck.diagnostics, ...v.tests.failures].filter((line) => !shownElsewhere.has(line)).map((line) => line.split('\n')[0] ?? '');
  const shown = lines.slice(0, 5).map((line) => `${indent}${line}`);
  if (lines.length > 5) shown.push(`${indent}… and ${lines.length - 5} more`);
  return shown;
}

const verified = (outcome: Outcome) => outcome.result.verification.passed && outcome.tasks.every((t) => t.verification.passed);

function printSummary(io: CliIo, out: string, outcomes: readonly Outcome[]): void {
  for (const outcome of outcomes) for (const name of outcome.files) io.out(`wrote ${shown(io.cwd, join(out, name))}`);
  for (const outcome of outcomes) {
    const { result } = outcome;
    const mark = verified(outcome) ? '✓' : '✗';
    io.out(`${mark} ${outcome.kind} ${outcome.id}: ${verificationLine(result.verification)}, ${plural(result.attempts, 'attempt')}, model ${result.model}`);
    // A flow's report repeats its tasks' problems (a type error as `[task] …`): those are shown under each task.
    const ofTasks = new Set(outcome.tasks.flatMap((t) => [...t.verification.typecheck.diagnostics.map((d) => `[${t.subject}] ${d}`), ...t.verification.tests.failures]));
    for (const line of problems(result.verification, '    ', ofTasks)) io.out(line);
    for (const task of outcome.tasks) {
      io.out(`    ${task.verification.passed ? '✓' : '✗'} task ${task.subject}: ${verificationLine(task.verification)}, ${plural(task.attempts, 'attempt')}`);
      for (const line of problems(task.verification, '        ')) io.out(line);
    }
  }
  const failed = outcomes.filter((o) => !verified(o)).length;
  io.out(failed === 0 ? `✓ ${outcomes.length} of ${outcomes.length} verified` : `✗ ${failed} of ${outcomes.length} failed verification; ${failed === 1 ? 'its' : 'their'} code is written for you to fix`);
}

/** One line per phase on stderr, in the style of `run`'s step lines; `started` holds when each subject began. */
function progressPrinter(print: (line: string) => void, started: Map<string, number>): (event: CodeGenerationProgress) => void {
  const lines: Record<CodeGenerationProgress['phase'], (e: CodeGenerationProgress) => string> = {
    prompting: (e) => `▶ ${e.subject}: ${e.message === 'template' ? 'filling in the template' : 'asking the model'}`,
    waiting: (e) => `… ${e.subject}: waiting for ${e.message ?? 'the model'}`,
    typecheck: (e) => `… ${e.subject}: type check`,
    testing: (e) => `… ${e.subject}: running the tests`,
    repairing: (e) => `↻ ${e.subject}: asking the model to repair attempt ${e.attempt - 1}`,
    done: (e) => {
      const took = ((performance.now() - (started.get(e.subject) ?? performance.now())) / 1000).toFixed(1);
      return `${e.message === 'verification failed' ? '✗' : '✓'} ${e.subject}: ${e.message ?? 'done'} (${took}s, ${plural(e.attempt, 'attempt')})`;
    },
  };
  return (event) => {
    if (!started.has(event.subject)) started.set(event.subject, performance.now());
    const attempt = event.attempt > 1 && event.phase !== 'done' && event.phase !== 'repairing' ? ` (attempt ${event.attempt})` : '';
    print(`${lines[event.phase](event)}${attempt}`);
  };
}

function jsonReport(out: string, outcomes: readonly Outcome[]) {
  const brief = (r: GeneratedCode) => ({ model: r.model, attempts: r.attempts, verification: r.verification });
  return {
    passed: outcomes.every(verified),
    out,
    subjects: outcomes.map((o) => ({
      kind: o.kind,
      id: o.id,
      language: o.result.language,
      ...brief(o.result),
      files: o.files.map((name) => join(out, name)),
      tasks: o.tasks.map((t) => ({ id: t.subject, ...brief(t) })),
    })),
  };
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write task implementations and their tests with a model (or a template), verified',
  help: `Usage: runtime-core generate <file> (--task <id> | --flow <id> | --all) [--out <dir>] [--provider openai|template] [--force]

Writes the implementation of a task, or of every task a flow runs, with its types and tests, after verifying
it: a type check, then its tests and the task's examples in a child process with a time limit. Code that
fails is sent back to the model with what failed, up to --max-attempts. Prints a verification summary;
exits 0 when everything verified, 1 when something did not (its code is still written) or the model failed,
2 for a mistake in the call. Existing files are never overwritten without --force. See docs/codegen.md.

The openai provider reads its API key from OPENAI_API_KEY only (never from a flag: command lines show up in
process lists and shell history); OPENAI_BASE_URL and OPENAI_MODEL set the server and the model. The
template provider writes a typed skeleton and tests from the task's examples, offline.

Options:
  --task <id>               generate one task
  --flow <id>               generate every task a flow runs (sub-flows included) and a test of the flow
  --all                     every flow, then every task no flow runs (tasks with a built-in kind are skipped)
  --out <dir>               where to write (default: ./generated)
  --provider <name>         openai or template (default: openai)
  --model <name>            the model (default: $OPENAI_MODEL, else gpt-4o-mini)
  --base-url <url>          an OpenAI-compatible server (default: $OPENAI_BASE_URL, else OpenAI's)
  --max-attempts <n>        model answers per task, the first included (default: 3)
  --language <name>         typescript or javascript (default: typescript)
  --force                   overwrite existing files
  --json                    print the summary as JSON, and no progress
  --trusted                 run a .ts document instead of reading it statically
  --verbose                 show stack traces of unexpected errors
  -h, --help                show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('generate', argv, {
      task: { type: 'string' },
      flow: { type: 'string' },
      all: { type: 'boolean' },
      out: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'max-attempts': { type: 'string' },
      language: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      trusted: { type: 'boolean' },
    });
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('generate: expected exactly one <file> (see runtime-core generate --help)');
    const provider = oneOf('--provider', stringOption(args, 'provider'), PROVIDERS) ?? 'openai';
    const language: CodeLanguage = oneOf('--language', stringOption(args, 'language'), LANGUAGES) ?? 'typescript';
    const attemptsText = stringOption(args, 'max-attempts');
    const maxAttempts = attemptsText === undefined ? undefined : Number(attemptsText);
    if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts > 0)) throw new UsageError(`generate: --max-attempts expects a positive integer, got "${attemptsText}"`);
    const model = stringOption(args, 'model');
    const baseURL = stringOption(args, 'base-url');
    // A local OpenAI-compatible server usually needs no key; OpenAI's own does.
    if (provider === 'openai' && !process.env.OPENAI_API_KEY && !baseURL && !process.env.OPENAI_BASE_URL) {
      throw new UsageError('generate: the openai provider needs OPENAI_API_KEY in the environment (a key is never taken from a flag), or --base-url for a server that needs none; or use --provider template');
    }
    const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });
    const subjects = selectSubjects(system, stringOption(args, 'task'), stringOption(args, 'flow'), flagOption(args, 'all'));
    if (subjects.length === 0) {
      io.out(`Nothing to generate in ${file}: no flows, and no tasks that need code`);
      return 0;
    }
    const out = resolve(io.cwd, stringOption(args, 'out') ?? 'generated');
    const force = flagOption(args, 'force');
    const json = flagOption(args, 'json');

    // Before the model is asked: the implementation files these subjects will have.
    const implementation = (taskId: string) => taskFileNames(taskId, language).implementation;
    const planned = subjects.flatMap((s) => (s.kind === 'task' ? [implementation(s.id)] : [flowFileNames(s.id, language).module, ...flowTasks(s.id, system).map(implementation)]));
    if (!force) refuseExisting(out, planned, io);

    const started = new Map<string, number>();
    const options: CodeGeneratorOptions = {
      provider,
      ...(model === undefined ? {} : { model }),
      ...(baseURL === undefined ? {} : { baseURL }),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      ...(io.interactive && !json ? { onProgress: progressPrinter(io.err, started) } : {}),
    };
    const generator = new CodeGenerator(options);
    const outcomes: Outcome[] = [];
    const files = new Map<string, string>();
    for (const subject of subjects) {
      started.set(subject.id, performance.now());
      let result: GeneratedCode;
      let tasks: GeneratedCode[] = [];
      try {
        if (subject.kind === 'task') result = await generator.generateTaskCode(subject.id, system, { language });
        else {
          const flow: GeneratedFlowCode = await generator.generateFlowCode(subject.id, system, { language });
          result = flow;
          tasks = Object.values(flow.tasks);
        }
      } catch (error) {
        if (!(error instanceof CodeGenerationError)) throw error;
        io.err(`generate: ${subject.kind} ${subject.id} failed, nothing written: ${error.message.split('\n')[0]} [${error.code}]`);
        return 1;
      }
      const own: string[] = [];
      for (const [name, text] of Object.entries(result.files)) {
        if (basename(name) !== name || name.startsWith('.')) throw new Error(`the generator named a file "${name}" outside the output folder`);
        if (files.has(name)) continue;
        files.set(name, text);
        own.push(name);
      }
      outcomes.push({ ...subject, result, tasks, files: own });
    }

    // Again, for every file actually produced, before anything is written.
    if (!force) refuseExisting(out, [...files.keys()], io);
    await writeAtomically(out, files);
    if (json) io.out(JSON.stringify(jsonReport(out, outcomes), null, 2));
    else printSummary(io, out, outcomes);
    return outcomes.every(verified) ? 0 : 1;
  },
};
