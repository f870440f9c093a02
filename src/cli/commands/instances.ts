import { INSTANCE_STATUSES as STATUSES, type InstanceStatus, type ListInstancesQuery } from '../../persistence/store.js';
import { flagOption, parseCommandArgs, stringOption, type ParsedArgs } from '../args.js';
import type { Command } from '../command.js';
import { UsageError as ApiUsageError } from '../../errors.js';
import { UsageError } from '../io.js';
import { formatInstances } from '../instance-view.js';
import { loadSystemFile, openCliStore, positionals, STORE_HELP, STORE_OPTIONS, withErrorCodes } from '../store-access.js';


/** The list query of the command's options; mistakes in them are usage errors. */
function queryOf(args: ParsedArgs): ListInstancesQuery {
  const query: ListInstancesQuery = {};
  const status = stringOption(args, 'status');
  if (status !== undefined) {
    const statuses = status.split(',').map((s) => s.trim());
    const wrong = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
    if (wrong !== undefined) throw new UsageError(`instances: unknown --status "${wrong}"; statuses: ${STATUSES.join(', ')}`);
    query.status = statuses as InstanceStatus[];
  }
  const flow = stringOption(args, 'flow');
  const process = stringOption(args, 'process');
  if (flow !== undefined && process !== undefined) throw new UsageError('instances: give --flow or --process, not both');
  if (flow !== undefined) query.flowId = flow;
  if (process !== undefined) query.processId = process;
  const limit = stringOption(args, 'limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw new UsageError(`instances: --limit expects a positive whole number, got "${limit}"`);
    query.limit = Number(limit);
  }
  const cursor = stringOption(args, 'cursor');
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

export const instancesCommand: Command = {
  name: 'instances',
  summary: 'list stored instances, newest first',
  help: `Usage: runtime-core instances <file> [--status <s>] [--flow <id> | --process <id>] [--limit <n>] [--cursor <c>] [--store <spec>] [--json]

Lists the instances of the file's system in the store, most recently updated first: id, kind, definition, status, version and
the time of the last update (UTC). When there are more than --limit, the last line gives the --cursor of
the next page. Reads the store only.

Options:
  --status <s>         only instances with this status (${STATUSES.join(', ')}); several comma-separated
  --flow <id>          only instances of this flow
  --process <id>       only instances of this process
  --limit <n>          at most this many (default 100, at most 1000)
  --cursor <c>         the next page, as the previous page printed it
  --json               print the page as JSON: { instances, nextCursor? }
${STORE_HELP}`,
  async run(argv, io) {
    const args = parseCommandArgs('instances', argv, {
      ...STORE_OPTIONS,
      status: { type: 'string' },
      flow: { type: 'string' },
      process: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [file = ''] = positionals('instances', args, ['file']);
    const query = queryOf(args);
    return withErrorCodes(io, async () => {
      const system = await loadSystemFile(file, args, io);
      const store = openCliStore('instances', args, io, { create: false });
      try {
        let page;
        try {
          // The file's system only: several systems may share a store.
          page = await store.list({ systemId: system.id, ...query });
        } catch (error) {
          if (error instanceof ApiUsageError) throw new UsageError(`instances: ${error.message}`, { cause: error });
          throw error;
        }
        if (flagOption(args, 'json')) io.out(JSON.stringify(page, null, 2));
        else if (page.instances.length === 0) io.out(`no instances in ${store.description}${query.cursor === undefined ? '' : ' after this cursor'}`);
        else {
          io.out(formatInstances(page.instances));
          if (page.nextCursor !== undefined) io.out(`more: --cursor ${page.nextCursor}`);
        }
        return 0;
      } finally {
        await store.close();
      }
    });
  },
};
