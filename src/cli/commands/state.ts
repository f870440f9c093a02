import { flagOption, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { formatInstance, instanceView } from '../instance-view.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, unknownInstance, withErrorCodes } from '../store-access.js';

export const stateCommand: Command = {
  name: 'state',
  summary: 'print a stored instance: status, state, context or steps, version, times',
  help: `Usage: runtime-core state <file> <instanceId> [--store <spec>] [--json]

Prints an instance as the store holds it: its status (running, completed, failed, cancelled, terminated,
needs-migration), its active states, a process's context or a flow's steps and result, its version and its
times (UTC). Reads the store only: nothing runs.

Options:
  --json               print it as JSON: the stored summary with state, and context (process) or steps and result (flow)
${STORE_HELP}`,
  async run(argv, io) {
    const args = parseCommandArgs('state', argv, { ...STORE_OPTIONS, json: { type: 'boolean' } });
    const [file = '', instanceId = ''] = positionals('state', args, ['file', 'instanceId']);
    return withErrorCodes(io, async () => {
      const system = await loadSystemFile(file, args, io);
      const store = openCliStore('state', args, io, { create: false });
      try {
        const record = await store.load(instanceId);
        if (!record) throw await unknownInstance(store, instanceId);
        if (record.systemId !== system.id) io.err(`warning: instance "${instanceId}" belongs to system "${record.systemId}", not "${system.id}"`);
        io.out(flagOption(args, 'json') ? JSON.stringify(instanceView(record), null, 2) : formatInstance(record));
        return 0;
      } finally {
        await store.close();
      }
    });
  },
};
