import { loadDslFile } from '../../dsl/load/index.js';
import { migrateSystem } from '../../dsl/migrate/index.js';
import { saveSystemToDsl } from '../../dsl/save/index.js';
import { flagOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../io.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'convert an older-shape document to DSL v1 and move its version',
  help: `Usage: runtime-core migrate <file> [--to <version>] [--strict] [--write]

Converts a document in the older shape of the original Runtime Core to DSL v1 and moves its version to
--to through the registered migrations (see docs/migration.md). Prints each change, and everything that
could not be converted exactly. Without --write nothing is written.

Options:
  --to <version>  the version to reach (default: the document's own); with no migration registered from
                  the document's version, the version alone is raised (a version-only change)
  --strict        refuse a --to that no chain of registered migrations reaches
  --write         save the result over the file (.dsl.ts, .ts or .json; untouched parts keep their formatting)
  --trusted       run a .ts document instead of reading it statically
  --verbose       show stack traces of unexpected errors
  -h, --help      show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('migrate', argv, { to: { type: 'string' }, strict: { type: 'boolean' }, write: { type: 'boolean' }, trusted: { type: 'boolean' } });
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('migrate: expected exactly one <file> (see runtime-core migrate --help)');
    const loaded = await loadDslFile(file, { validate: false, trusted: flagOption(args, 'trusted') });
    const { system, report } = migrateSystem(loaded.system, stringOption(args, 'to'), { strict: flagOption(args, 'strict') });
    const from = report.fromShape === 'legacy' ? 'the older shape' : `version ${report.fromVersion}`;
    io.out(`${file}: from ${from} to version ${report.toVersion}, ${report.changes.length} change(s), ${report.inexact.length} not exact`);
    for (const change of report.changes) io.out(`  ${change.path || '(root)'}: ${change.message}`);
    for (const item of report.inexact) io.out(`  ! ${item.path || '(root)'}: ${item.message}`);
    if (!flagOption(args, 'write')) {
      if (report.changes.length || report.inexact.length) io.out('(nothing written; pass --write to save the result)');
      return 0;
    }
    const saved = await saveSystemToDsl(system, loaded.path);
    io.out(saved.changed ? `wrote ${file}` : `${file} already holds the result`);
    return 0;
  },
};
