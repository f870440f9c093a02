import { resolve } from 'node:path';
import { loadDslFile } from '../../dsl/load/index.js';
import type { SystemDefinition } from '../../dsl/schema.js';
import { runTaskExamples, type TaskExampleResult } from '../../testing/check-examples.js';
import { UnsupportedTestTargetError } from '../../testing/errors.js';
import { planTransitionTests, type TransitionTestOptions } from '../../testing/transition-tests.js';
import { flagOption, parseCommandArgs, readJsonArgument, stringOption } from '../args.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../io.js';
import { importTasks } from '../tasks-module.js';

/** `--samples`: `{ events?: { [type]: payload[] }, tasks?: { [taskId]: ({ output } | { error })[] }, context?: { [processId]: {…} } }`. */
interface Samples {
  events?: TransitionTestOptions['events'];
  tasks?: TransitionTestOptions['tasks'];
  context?: Record<string, Record<string, unknown>>;
}

function readSamples(value: unknown): Samples {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (value === undefined) return {};
  if (!isRecord(value)) throw new UsageError('--samples: expected an object { events?, tasks?, context? }');
  for (const key of Object.keys(value)) if (!['events', 'tasks', 'context'].includes(key)) throw new UsageError(`--samples: unknown key "${key}" (expected events, tasks, context)`);
  for (const key of ['events', 'tasks'] as const) {
    const entry = value[key];
    if (entry === undefined) continue;
    if (!isRecord(entry) || Object.values(entry).some((list) => !Array.isArray(list))) throw new UsageError(`--samples: ${key} must map each ${key === 'events' ? 'event type' : 'task id'} to a list`);
  }
  if (value.context !== undefined && (!isRecord(value.context) || Object.values(value.context).some((c) => !isRecord(c)))) {
    throw new UsageError('--samples: context must map each process id to an object');
  }
  return value as Samples;
}

interface MachineReport {
  kind: 'process' | 'flow';
  id: string;
  transitions: number;
  covered: number;
  uncovered: string[];
  cases: { name: string; status: 'passed' | 'failed'; message?: string }[];
  /** Why no tests were generated (a flow with forEach or sub-flow steps). */
  skipped?: string;
}

const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

async function testMachine(system: SystemDefinition, kind: 'process' | 'flow', id: string, options: TransitionTestOptions): Promise<MachineReport> {
  let plan;
  try {
    plan = planTransitionTests(system, kind === 'process' ? { process: id } : { flow: id }, options);
  } catch (error) {
    if (error instanceof UnsupportedTestTargetError) return { kind, id, transitions: 0, covered: 0, uncovered: [], cases: [], skipped: error.message };
    throw error;
  }
  const cases: MachineReport['cases'] = [];
  for (const testCase of plan.cases) {
    try {
      await testCase.run();
      cases.push({ name: testCase.name, status: 'passed' });
    } catch (error) {
      cases.push({ name: testCase.name, status: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { kind, id, transitions: plan.transitions.length, covered: plan.transitions.length - plan.uncovered.length, uncovered: plan.uncovered.map((t) => t.label), cases };
}

function printText(io: CliIo, examples: TaskExampleResult[], machines: MachineReport[]): void {
  if (examples.length) {
    io.out('Task examples');
    for (const e of examples) {
      const name = `${e.taskId} #${e.index}${e.description ? ` (${e.description})` : ''}`;
      if (e.status === 'passed') io.out(`  ✓ ${name}`);
      else if (e.status === 'skipped') io.out(`  - ${name}: skipped, ${e.message ?? ''}`);
      else io.out(`  ✗ ${name}: ${indent(e.message ?? '', '      ')}`);
    }
  }
  for (const p of machines) {
    const title = `${p.kind === 'process' ? 'Process' : 'Flow'} ${p.id}`;
    if (p.skipped !== undefined) {
      io.out(`${title}: skipped, ${p.skipped}`);
      continue;
    }
    io.out(`${title}: ${p.cases.length} generated paths, ${p.covered}/${p.transitions} transitions covered`);
    for (const c of p.cases) io.out(c.status === 'passed' ? `  ✓ ${c.name}` : `  ✗ ${indent(c.message ?? c.name, '      ')}`);
    for (const label of p.uncovered) io.out(`  ! not covered: ${label}`);
  }
}

export const testCommand: Command = {
  name: 'test',
  summary: "check every task's examples and every transition of every process and flow",
  help: `Usage: runtime-core test <file> [--tasks <module>] [--samples <json|@file>] [--process <id> | --flow <id>] [--json]

Runs, on a simulated clock:
  - every task's examples against its implementation (from --tasks, or its built-in kind): each example's
    output must come out (deep equality), or its error (name, message, code as given);
  - model-based tests of every process and flow: the shortest path of events to each transition and each
    state, generated from the statechart, each driving a fresh instance and checking its state after every
    event. Payloads come from the event schemas (examples, or samples built from the schema and the
    guards), tasks answer with their examples' outputs and errors (or samples), timers fire by moving the
    clock. Flows with forEach or sub-flow steps are skipped.
Prints a line per check and the transitions no path covers. Exits 0 when everything passes, 1 otherwise.

Options:
  --tasks <module>        a .ts or .js module exporting task implementations (export const tasks = { … })
  --samples <json|@file>  payloads and task outcomes to use instead of generated ones:
                          { "events": { "order.paid": [{ "amount": 5 }] },
                            "tasks": { "chargeCard": [{ "output": { "chargeId": "ch_1" } }, { "error": { "name": "CardDeclined", "message": "…" } }] },
                            "context": { "order": { "paid": false } } }
  --process <id>          test only this process (and no task examples)
  --flow <id>             test only this flow (and no task examples)
  --no-flows              generate tests for processes only
  --max-depth <n>         longest generated path, in events (default 12)
  --require-coverage      exit 1 when a transition is not covered
  --json                  print the report as JSON
  --trusted               run a .ts document instead of reading it statically
  --verbose               show stack traces of unexpected errors
  -h, --help              show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('test', argv, {
      tasks: { type: 'string' },
      samples: { type: 'string' },
      process: { type: 'string' },
      flow: { type: 'string' },
      'no-flows': { type: 'boolean' },
      'max-depth': { type: 'string' },
      'require-coverage': { type: 'boolean' },
      json: { type: 'boolean' },
      trusted: { type: 'boolean' },
    });
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('test: expected exactly one <file> (see runtime-core test --help)');
    const depthText = stringOption(args, 'max-depth');
    const maxDepth = depthText === undefined ? undefined : Number(depthText);
    if (maxDepth !== undefined && !(Number.isInteger(maxDepth) && maxDepth > 0)) throw new UsageError(`test: --max-depth expects a positive integer, got "${depthText}"`);
    const samples = readSamples(await readJsonArgument('--samples', stringOption(args, 'samples'), io.cwd));
    const tasksModule = stringOption(args, 'tasks');
    const tasks = tasksModule ? await importTasks(tasksModule, io.cwd) : undefined;
    const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });

    const onlyProcess = stringOption(args, 'process');
    const onlyFlow = stringOption(args, 'flow');
    if (onlyProcess !== undefined && onlyFlow !== undefined) throw new UsageError('test: give --process or --flow, not both');
    const processIds = Object.keys(system.processes ?? {});
    const flowIds = Object.keys(system.flows ?? {});
    if (onlyProcess !== undefined && !processIds.includes(onlyProcess)) throw new UsageError(`test: no process "${onlyProcess}" (processes: ${processIds.join(', ') || 'none'})`);
    if (onlyFlow !== undefined && !flowIds.includes(onlyFlow)) throw new UsageError(`test: no flow "${onlyFlow}" (flows: ${flowIds.join(', ') || 'none'})`);
    const everything = onlyProcess === undefined && onlyFlow === undefined;

    const examples = everything ? await runTaskExamples(system, tasks ? { tasks } : {}) : [];
    const targets: ['process' | 'flow', string][] = everything
      ? [...processIds.map((id) => ['process', id] as ['process', string]), ...(flagOption(args, 'no-flows') ? [] : flowIds.map((id) => ['flow', id] as ['flow', string]))]
      : onlyProcess !== undefined
        ? [['process', onlyProcess]]
        : [['flow', onlyFlow as string]];
    const machines: MachineReport[] = [];
    for (const [kind, id] of targets) {
      const context = kind === 'process' ? samples.context?.[id] : undefined;
      machines.push(
        await testMachine(system, kind, id, {
          ...(samples.events ? { events: samples.events } : {}),
          ...(samples.tasks ? { tasks: samples.tasks } : {}),
          ...(context ? { context } : {}),
          ...(maxDepth === undefined ? {} : { maxDepth }),
          ...(tasks ? { implementations: tasks } : {}),
        }),
      );
    }

    const all = [...examples.map((e) => e.status), ...machines.flatMap((m) => (m.skipped !== undefined ? ['skipped'] : m.cases.map((c) => c.status)))];
    const count = (status: string) => all.filter((s) => s === status).length;
    const uncovered = machines.reduce((n, m) => n + m.uncovered.length, 0);
    const failed = count('failed') > 0 || (flagOption(args, 'require-coverage') && uncovered > 0);
    if (flagOption(args, 'json')) {
      const report = { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), examples: examples.map(({ result: _result, ...rest }) => rest), machines };
      io.out(JSON.stringify(report, null, 2));
    } else {
      printText(io, examples, machines);
      const coverage = machines
        .filter((m) => m.skipped === undefined)
        .map((m) => `${m.id} ${m.covered}/${m.transitions}`)
        .join(', ');
      const totals = `${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`;
      if (all.length === 0) io.out(`Nothing to test in ${file}: no task examples, processes or flows`);
      else io.out(`${failed ? '✗' : '✓'} ${totals}${coverage ? `; transitions covered: ${coverage}` : ''}`);
    }
    return failed ? 1 : 0;
  },
};
