import { ReactiveSystemRuntime } from '../runtime/runtime.js';
import { parseCommandArgs, stringOption } from './args.js';
import type { Command } from './command.js';
import { UsageError, cliLogger } from './io.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, unknownInstance, withErrorCodes } from './store-access.js';

/** `cancel` and `terminate`: both end a stored instance for good, through `runtime.cancel` / `runtime.terminate`. */
export function endInstanceCommand(name: 'cancel' | 'terminate'): Command {
  const cancel = name === 'cancel';
  return {
    name,
    summary: cancel ? 'cancel a stored instance' : 'terminate a stored instance at once, recording why',
    help: `Usage: runtime-core ${name} <file> <instanceId> ${cancel ? '[--reason <text>]' : '--reason <text>'} [--store <spec>]

${
  cancel
    ? 'Cancels an instance that is still running (or waiting): its status becomes cancelled'
    : 'Terminates an instance that is still running (or waiting): its status becomes terminated'
}, with the reason
in its error and in its history (instance.${cancel ? 'cancelled' : 'terminated'}). The instance is changed in the store with its version
checked, so a runtime that holds it elsewhere stops its copy at its next write. Runs no task.
An instance that already finished is refused (INSTANCE_FINISHED).

Options:
  --reason <text>      why${cancel ? ' (default "Cancelled")' : ' (required)'}
${STORE_HELP}`,
    async run(argv, io) {
      const args = parseCommandArgs(name, argv, { ...STORE_OPTIONS, reason: { type: 'string' } });
      const [file = '', instanceId = ''] = positionals(name, args, ['file', 'instanceId']);
      const reason = stringOption(args, 'reason');
      if (!cancel && (reason === undefined || reason.trim() === '')) throw new UsageError(`terminate: --reason <text> is required (see runtime-core terminate --help)`);
      return withErrorCodes(io, async () => {
        const system = await loadSystemFile(file, args, io);
        const store = openCliStore(name, args, io, { create: false });
        // Not started: nothing is recovered, so no other instance runs; the instance is ended through the store.
        const runtime = new ReactiveSystemRuntime(system, { store, logger: cliLogger(io) });
        try {
          const record = await store.load(instanceId);
          if (!record) throw await unknownInstance(store, instanceId);
          if (cancel) await runtime.cancel(instanceId, reason ?? 'Cancelled');
          else await runtime.terminate(instanceId, reason ?? '');
          const after = await runtime.getInstance(instanceId);
          io.out(`✓ ${record.kind} ${record.definitionId} instance ${instanceId}: ${record.status} → ${after.status}${reason === undefined ? '' : ` (${reason})`}`);
          return 0;
        } finally {
          await runtime.close();
        }
      });
    },
  };
}
