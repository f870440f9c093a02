import type { InstanceSummary } from '../../persistence/store.js';
import { durationOption, flagOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { DurableSession } from '../durable-session.js';
import { formatRecovery, formatState, table } from '../instance-view.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, withErrorCodes } from '../store-access.js';
import { importTasks } from '../tasks-module.js';

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'recover the stored instances and run them until their flows finish',
  help: `Usage: runtime-core resume <file> [--tasks <module>] [--timeout <duration>] [--store <spec>] [--json]

Starts the system on the store: every unfinished instance is recovered (a task attempt that was running
when its runtime stopped runs again, with the same idempotency key; timers resume with the time that
remained) and runs until every recovered flow has finished or waits for an event, or the timeout passes.
This is how a run --store that crashed or was stopped is finished from the command line. Prints each
recovered flow's status.

Exits 0 when every recovered flow completed or waits for an event; 1 when one failed or was cancelled, a
task it reached has no implementation here, or the timeout passed while it was still running (it stays
stored where it is).

Options:
  --tasks <module>     a .ts or .js module with task implementations (as for run)
  --timeout <duration> stop after this long (default: none; timers are waited for)
  --json               print { recovered, flows: [{ instanceId, flowId, status, state }], parked, settled }
${STORE_HELP}`,
  async run(argv, io) {
    const args = parseCommandArgs('resume', argv, { ...STORE_OPTIONS, tasks: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } });
    const [file = ''] = positionals('resume', args, ['file']);
    const timeoutMs = durationOption('resume', args, 'timeout');
    const tasksModule = stringOption(args, 'tasks');
    const tasks = tasksModule ? await importTasks(tasksModule, io.cwd) : {};
    return withErrorCodes(io, async () => {
      const system = await loadSystemFile(file, args, io);
      const session = new DurableSession({ system, store: openCliStore('resume', args, io, { create: false }), tasks, io });
      try {
        const report = await session.start();
        io.err(formatRecovery(report, session.store.description));
        const flows: InstanceSummary[] = [];
        for (const id of report.recovered) {
          const summary = await session.runtime.getInstance(id);
          if (summary.kind === 'flow') flows.push(summary);
        }
        const settled = await session.settle(timeoutMs === undefined ? Infinity : Date.now() + timeoutMs, () => flows.map((f) => f.instanceId));
        const states = session.states();
        const rows = [];
        for (const flow of flows) {
          const now = await session.runtime.getInstance(flow.instanceId);
          rows.push({ instanceId: flow.instanceId, flowId: flow.definitionId, status: now.status, state: formatState(states.get(flow.instanceId)?.value), error: now.error });
        }
        const parked = [...session.parked.values()];
        if (flagOption(args, 'json')) io.out(JSON.stringify({ recovered: report.recovered, flows: rows, parked, settled }, null, 2));
        else {
          io.out(rows.length === 0 ? 'no flow to resume' : table(rows.map((r) => [r.instanceId, `flow ${r.flowId}`, r.status, r.error ? `${r.error.name}: ${r.error.message}` : r.status === 'running' ? `waiting at ${r.state}` : ''])).replace(/ +$/gm, ''));
          for (const p of parked) io.out(`task "${p.taskId}" has no implementation here: ${p.instanceId} waits for it (pass --tasks)`);
          if (!settled) io.out(`the timeout passed while flows were still running; they stay stored where they are`);
        }
        const bad = rows.some((r) => r.status !== 'completed' && r.status !== 'running');
        return bad || parked.length > 0 || !settled ? 1 : 0;
      } finally {
        await session.close();
      }
    });
  },
};
