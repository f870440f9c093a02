import { loadDslFile } from '../../dsl/load/index.js';
import { flagOption, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../io.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a system document and list every problem with file:line:column',
  help: `Usage: runtime-core validate <file> [--trusted]

Loads a system document (.dsl.ts, .ts, .json, .yaml) and checks it: structure, references, expressions,
retry policies. Prints every problem at once as file:line:column path: message [code].
Exits 0 when the document is valid, 1 when it is not.

Options:
  --trusted   run a .ts document instead of reading it statically (for documents that compute parts in code)
  --verbose   show stack traces of unexpected errors
  -h, --help  show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('validate', argv, { trusted: { type: 'boolean' } });
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('validate: expected exactly one <file> (see runtime-core validate --help)');
    const { system } = await loadDslFile(file, { trusted: flagOption(args, 'trusted') });
    const parts = [
      count(Object.keys(system.processes ?? {}).length, 'process'),
      count(Object.keys(system.flows ?? {}).length, 'flow'),
      count(Object.keys(system.tasks ?? {}).length, 'task'),
      count(Object.keys(system.events ?? {}).length, 'event'),
    ];
    io.out(`✓ ${file} is valid: ${system.id} ${system.version}, ${parts.join(', ')}`);
    return 0;
  },
};
