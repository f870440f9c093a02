import { resolve } from 'node:path';
import { loadDslFile } from '../../dsl/load/index.js';
import { ReactiveSystemRuntime } from '../../runtime/runtime.js';
import { durationOption, flagOption, parseCommandArgs, readJsonArgument, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError, cliLogger } from '../io.js';
import { runStoredFlow } from '../run-stored.js';
import { DEFAULT_STORE, openCliStore, withErrorCodes } from '../store-access.js';
import { importTasks } from '../tasks-module.js';
import { watchSteps } from '../progress.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a flow and print its result',
  help: `Usage: runtime-core run <file> --flow <id> [--input <json|@file>] [--tasks <module>] [--json] [--store <spec>]

Runs one flow of a system and prints its result. Task implementations come from a module that exports an
object of them (export const tasks = { chargeCard: async (input) => … }); tasks with a built-in
implementation (http, transform, mock, emit) need none. On a terminal, each step is shown as it starts,
retries and ends, with durations. Exits 0 when the flow succeeds, 1 when it fails.

Without --store the flow lives in memory and ends with the command. With --store it is a durable instance:
the store's instances are recovered first (the report goes to stderr), the flow is stored after every step,
and the command returns once it finishes or waits (for an event, for a timer due after --timeout, or for a
task that has no implementation here). A flow that waits is not cancelled: it stays stored, and send,
resume, state and history take it from there. Exits 0 when it succeeded or waits for an event or timer.

Options:
  --flow <id>          the flow to run (required)
  --input <json|@file> the flow's input, as JSON or @path to a JSON file (default: {})
  --tasks <module>     a .ts or .js module with task implementations
  --json               print the result as JSON only
  --timeout <duration> cancel the flow after this long, e.g. 30s or 5m (a flow waiting for an event
                       that never comes would otherwise run for ever); with --store, stop waiting
                       after this long and leave the flow stored, running
  --store <spec>       run it as a durable instance in this store: an SQLite file (${DEFAULT_STORE} is the
                       usual one), postgres://… or memory
  --instance <id>      the instance id (default <flow>-<n>, or <flow>-<uuid> with --store)
  --trusted            run a .ts document instead of reading it statically
  --verbose            show stack traces of unexpected errors
  -h, --help           show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('run', argv, {
      flow: { type: 'string' },
      input: { type: 'string' },
      tasks: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      trusted: { type: 'boolean' },
      store: { type: 'string' },
      instance: { type: 'string' },
    });
    const timeoutMs = durationOption('run', args, 'timeout');
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('run: expected exactly one <file> (see runtime-core run --help)');
    const flowId = stringOption(args, 'flow');
    if (!flowId) throw new UsageError('run: --flow <id> is required (see runtime-core run --help)');
    const input = (await readJsonArgument('--input', stringOption(args, 'input'), io.cwd)) ?? {};
    const tasksModule = stringOption(args, 'tasks');
    const tasks = tasksModule ? await importTasks(tasksModule, io.cwd) : {};
    const instanceId = stringOption(args, 'instance');
    if (stringOption(args, 'store') !== undefined) {
      return withErrorCodes(io, async () => {
        const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });
        const store = openCliStore('run', args, io, { create: true });
        return runStoredFlow({ system, store, tasks, flowId, input, instanceId, timeoutMs, json: flagOption(args, 'json'), io });
      });
    }
    const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });
    const runtime = new ReactiveSystemRuntime(system, { logger: cliLogger(io) });
    runtime.registerTaskImplementations(tasks);
    try {
      const handle = runtime.startFlow(flowId, input, instanceId === undefined ? {} : { instanceId });
      const stop = io.interactive && !flagOption(args, 'json') ? watchSteps(handle.actor, io.err) : () => undefined;
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => handle.cancel(), timeoutMs);
      const result = await handle.result();
      clearTimeout(timer);
      stop();
      if (flagOption(args, 'json')) io.out(JSON.stringify(result, null, 2));
      else if (result.success) io.out(`✓ flow ${flowId} succeeded\n${JSON.stringify(result.output, null, 2) ?? 'undefined'}`);
      else io.out(`✗ flow ${flowId} failed at step ${result.error?.step ?? '?'}: ${result.error?.name}: ${result.error?.message}`);
      return result.success ? 0 : 1;
    } finally {
      runtime.stop();
    }
  },
};
