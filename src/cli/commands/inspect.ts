import { resolve } from 'node:path';
import { loadDslFile } from '../../dsl/load/index.js';
import { RuntimeCoreError } from '../../errors.js';
import { createInspector, type Inspector } from '../../inspect/inspector.js';
import { ReactiveSystemRuntime } from '../../runtime/runtime.js';
import { flagOption, parseCommandArgs, readJsonArgument, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { DurableSession } from '../durable-session.js';
import { formatRecovery } from '../instance-view.js';
import { UsageError, type CliIo, cliLogger } from '../io.js';
import { oneLineError, openCliStore, withErrorCodes } from '../store-access.js';
import { importTasks } from '../tasks-module.js';

/** The port `inspect` listens on unless told otherwise: fixed, so a page left open reconnects after a restart. */
export const DEFAULT_INSPECT_PORT = 4780;

/** Resolves on Ctrl-C or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_INSPECT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`inspect: --port expects a number from 0 to 65535, got "${text}"`);
  return port;
}

/** `runtime-core inspect`; `until` decides when it stops (tests pass their own). */
export function createInspectCommand(until: () => Promise<void> = interrupted): Command {
  return {
    name: 'inspect',
    summary: 'run a system with the live statechart inspector in the browser',
    help: `Usage: runtime-core inspect <file> [--port <n>] [--tasks <module>] [--flow <id> [--input <json|@file>]] [--forward-to <url>] [--store <spec>]

Runs a system and serves the inspector on 127.0.0.1: every process and flow drawn as a statechart, the
live instances with their active states highlighted as they change, each instance's event log with
payloads and times, each flow step's duration and attempts, and a form to send an event to an instance.
The page needs no internet access. Runs until interrupted (Ctrl-C).

With --store the system runs on that store: its unfinished instances are recovered and run here, events sent
from the page are stored, and the page also lists the instances the store holds (status, definition, last
update), with the stored history of the selected one and, for one that does not run here, its state on the
diagram from the stored snapshot. Tasks without an implementation (no --tasks) are not run: their instances
wait at that step.

Options:
  --port <n>           port on 127.0.0.1 (default ${DEFAULT_INSPECT_PORT}; 0 picks a free one)
  --tasks <module>     a .ts or .js module with task implementations (as for run)
  --flow <id>          start this flow once the inspector is up
  --input <json|@file> the flow's input (default: {})
  --forward-to <url>   also send the inspection events to Stately's inspector at this WebSocket URL
                       (ws://localhost:8080 for @statelyai/inspect's server)
  --store <spec>       run on this store and list its instances: an SQLite file (./runtime.db),
                       postgres://… or memory
  --trusted            run a .ts document instead of reading it statically
  --verbose            show stack traces of unexpected errors
  -h, --help           show this help`,
    async run(argv: string[], io: CliIo) {
      const args = parseCommandArgs('inspect', argv, {
        port: { type: 'string' },
        tasks: { type: 'string' },
        flow: { type: 'string' },
        input: { type: 'string' },
        'forward-to': { type: 'string' },
        trusted: { type: 'boolean' },
        store: { type: 'string' },
      });
      const [file, ...extra] = args.positionals;
      if (!file || extra.length) throw new UsageError('inspect: expected exactly one <file> (see runtime-core inspect --help)');
      const port = parsePort(stringOption(args, 'port'));
      const forwardTo = stringOption(args, 'forward-to');
      if (forwardTo !== undefined && !/^wss?:\/\//.test(forwardTo)) throw new UsageError(`inspect: --forward-to expects a ws:// or wss:// URL, got "${forwardTo}"`);
      const flowId = stringOption(args, 'flow');
      const input = (await readJsonArgument('--input', stringOption(args, 'input'), io.cwd)) ?? {};
      const tasksModule = stringOption(args, 'tasks');
      const tasks = tasksModule ? await importTasks(tasksModule, io.cwd) : {};
      const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });

      const store = stringOption(args, 'store') === undefined ? undefined : openCliStore('inspect', args, io, { create: true });
      let inspector: Inspector;
      try {
        inspector = await createInspector({ port, ...(forwardTo === undefined ? {} : { forwardTo }), ...(store === undefined ? {} : { store }) });
      } catch (error) {
        await store?.close();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`inspect: port ${port} is in use; pass --port <another> or --port 0`);
        if (error instanceof RuntimeCoreError) {
          io.err(oneLineError(error));
          return 1;
        }
        throw error;
      }
      if (store !== undefined) {
        const session = new DurableSession({ system, store, tasks, io, inspect: inspector.inspect });
        return withErrorCodes(io, async () => {
          try {
            io.err(formatRecovery(await session.start(), store.description));
            inspector.attach(session.runtime);
            if (flowId) session.runtime.startFlow(flowId, input);
            io.out(`Inspecting ${system.name ?? system.id} and ${store.description} at ${inspector.url} (Ctrl-C to stop)`);
            await until();
            return 0;
          } finally {
            await inspector.close();
            await session.close();
          }
        });
      }
      const runtime = new ReactiveSystemRuntime(system, {
        inspect: inspector.inspect,
        logger: cliLogger(io),
      });
      try {
        runtime.registerTaskImplementations(tasks);
        inspector.attach(runtime);
        if (flowId) runtime.startFlow(flowId, input);
        io.out(`Inspecting ${system.name ?? system.id} at ${inspector.url} (Ctrl-C to stop)`);
        await until();
        return 0;
      } finally {
        runtime.stop();
        await inspector.close();
      }
    },
  };
}

export const inspectCommand: Command = createInspectCommand();
