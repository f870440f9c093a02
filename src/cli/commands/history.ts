import { flagOption, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { formatHistory } from '../instance-view.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, unknownInstance, withErrorCodes } from '../store-access.js';

export const historyCommand: Command = {
  name: 'history',
  summary: "print a stored instance's history: events, states, steps, timers, with times",
  help: `Usage: runtime-core history <file> <instanceId> [--store <spec>] [--json]

Prints what happened to an instance, in order, one entry a line: its number, its time (UTC), its type
(instance.created, event.received, state.entered, step.started, step.retrying, step.completed,
step.failed, timer.fired, instance.completed, …) and its data as JSON. Reads the store only.

Options:
  --json               print the entries as a JSON array
${STORE_HELP}`,
  async run(argv, io) {
    const args = parseCommandArgs('history', argv, { ...STORE_OPTIONS, json: { type: 'boolean' } });
    const [file = '', instanceId = ''] = positionals('history', args, ['file', 'instanceId']);
    return withErrorCodes(io, async () => {
      await loadSystemFile(file, args, io);
      const store = openCliStore('history', args, io, { create: false });
      try {
        const entries = await store.history(instanceId);
        if (entries.length === 0 && !(await store.load(instanceId))) throw await unknownInstance(store, instanceId);
        io.out(flagOption(args, 'json') ? JSON.stringify(entries, null, 2) : formatHistory(entries));
        return 0;
      } finally {
        await store.close();
      }
    });
  },
};
