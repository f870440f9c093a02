import { InputValidationError, PersistenceError } from '../../errors.js';
import { FINISHED_STATUSES } from '../../persistence/store.js';
import type { EventAddress } from '../../runtime/host/instance-host.js';
import { withoutAddressing } from '../../runtime/event-address.js';
import { checkJsonSchema } from '../../runtime/json-schemas.js';
import { durationOption, flagOption, parseCommandArgs, readJsonArgument, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { DurableSession, type RootState } from '../durable-session.js';
import { formatRecovery, formatState, table } from '../instance-view.js';
import { UsageError } from '../io.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, unknownInstance, withErrorCodes } from '../store-access.js';
import { importTasks } from '../tasks-module.js';

/** How long `send` waits for the instances to settle unless --timeout says otherwise. */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;

/** The payload, a JSON object; `--instance`/`--process` address it without entering it. */
async function payloadOf(
  text: string | undefined,
  instance: string | undefined,
  process: string | undefined,
  cwd: string,
): Promise<{ payload: Record<string, unknown>; target: EventAddress | undefined }> {
  const parsed = (await readJsonArgument('payload', text, cwd)) ?? {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('send: the payload must be a JSON object');
  if (instance !== undefined && process !== undefined) throw new UsageError('send: give --instance or --process, not both');
  const target = instance !== undefined ? { instanceId: instance } : process !== undefined ? { processId: process } : undefined;
  return { payload: parsed as Record<string, unknown>, target };
}

interface Move {
  instanceId: string;
  kind: string;
  definitionId: string;
  before: string;
  after: string;
  status: string;
}

const sameState = (a: RootState | undefined, b: RootState | undefined) => a?.status === b?.status && JSON.stringify(a?.value) === JSON.stringify(b?.value);

export const sendCommand: Command = {
  name: 'send',
  summary: 'send an event to the stored instances and print which ones moved',
  help: `Usage: runtime-core send <file> <event> [payload-json|@file] [--instance <id> | --process <id>] [--store <spec>] [--tasks <module>] [--timeout <duration>] [--json]

Starts the system on the store (recovering its instances), sends one event as runtime.sendEvent does, runs
until the instances settle, prints which instances moved (state before → after, and status), and stops.
The instances stay stored. The payload is checked against the event's schema. Without --instance or
--process (or instanceId / processId in the payload) the event goes to every instance that listens for it,
and starts the flows it triggers.

Instances settle when every write is stored, no task runs, and each one waits for an event or for a timer due
after the timeout. Tasks without an implementation here (no --tasks) are not run: their instances wait at
that step, stored, for a command that has them (resume --tasks).

Options:
  --instance <id>      send it to this instance (the target, not part of the payload)
  --process <id>       send it to the default instance of this process
  --tasks <module>     a .ts or .js module with task implementations (as for run)
  --timeout <duration> wait at most this long for the instances to settle (default 30s); timers due later
                       are left for a later command
  --json               print { event, moved: [{ instanceId, kind, definitionId, before, after, status }], settled }
${STORE_HELP}`,
  async run(argv, io) {
    const args = parseCommandArgs('send', argv, {
      ...STORE_OPTIONS,
      instance: { type: 'string' },
      process: { type: 'string' },
      tasks: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [file = '', event = '', payloadText] = positionals('send', args, ['file', 'event'], ['payload-json']);
    const timeoutMs = durationOption('send', args, 'timeout') ?? DEFAULT_SEND_TIMEOUT_MS;
    const { payload, target } = await payloadOf(payloadText, stringOption(args, 'instance'), stringOption(args, 'process'), io.cwd);
    const tasksModule = stringOption(args, 'tasks');
    const tasks = tasksModule ? await importTasks(tasksModule, io.cwd) : {};
    return withErrorCodes(io, async () => {
      const system = await loadSystemFile(file, args, io);
      const session = new DurableSession({ system, store: openCliStore('send', args, io, { create: true }), tasks, io });
      try {
        // A call that cannot succeed is refused before recovery, which writes to every unfinished instance.
        const schema = session.runtime.system.events?.[event]?.payload;
        const issues = schema ? checkJsonSchema(schema, target ? payload : withoutAddressing(payload, schema), 'payload') : [];
        if (issues.length) throw new InputValidationError(`Payload of event "${event}"`, issues, 'INVALID_PAYLOAD');
        const addressed = target && 'instanceId' in target ? target.instanceId : typeof payload.instanceId === 'string' ? payload.instanceId : undefined;
        if (addressed !== undefined) await checkAddressable(session, addressed);
        const deadline = Date.now() + timeoutMs;
        io.err(formatRecovery(await session.start(), session.store.description));
        await session.settle(deadline);
        const before = session.states();
        session.runtime.sendEvent(event, payload, target);
        const settled = await session.settle(deadline);
        const moves: Move[] = [];
        for (const [instanceId, after] of session.states()) {
          const previous = before.get(instanceId);
          if (sameState(previous, after)) continue;
          const summary = await session.runtime.getInstance(instanceId);
          moves.push({
            instanceId,
            kind: summary.kind,
            definitionId: summary.definitionId,
            before: previous ? formatState(previous.value) : '(new)',
            after: formatState(after.value),
            status: summary.status,
          });
        }
        if (flagOption(args, 'json')) io.out(JSON.stringify({ event, moved: moves, settled }, null, 2));
        else if (moves.length === 0) io.out(`✓ sent ${event}; no instance moved`);
        else {
          io.out(`✓ sent ${event}; ${moves.length} instance${moves.length === 1 ? '' : 's'} moved:`);
          io.out(table(moves.map((m) => [`  ${m.instanceId}`, `${m.kind} ${m.definitionId}`, `${m.before} → ${m.after}`, m.status])));
        }
        if (!settled) io.err(`warning: instances were still running after ${timeoutMs}ms; they stay stored where they are and go on with the next send, run --store or resume`);
        return 0;
      } finally {
        await session.close();
      }
    });
  },
};

/**
 * An event addressed to a stored instance that no longer takes events is refused with the reason, not "unknown".
 * The default instance of a process (its id is the process id) is created by the first start, so it may not be stored yet.
 */
async function checkAddressable(session: DurableSession, instanceId: string): Promise<void> {
  const record = await session.store.load(instanceId);
  if (!record && Object.prototype.hasOwnProperty.call(session.runtime.system.processes ?? {}, instanceId)) return;
  if (!record) throw await unknownInstance(session.store, instanceId);
  if ((FINISHED_STATUSES as readonly string[]).includes(record.status)) {
    throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" is ${record.status}; it takes no more events`, { instanceId });
  }
  if (record.status === 'needs-migration') {
    throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}" needs migration before it takes events: ${record.error?.message ?? ''}`.trim(), { instanceId });
  }
}
