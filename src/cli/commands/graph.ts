import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import { compileSystemDefinitions } from '../../../compiler/system.js';
import type { FlowMachineDefinition, ProcessMachineDefinition } from '../../../compiler/types.js';
import { loadDslFile } from '../../dsl/load/index.js';
import { toDot } from '../../inspect/dot.js';
import { layoutMachine } from '../../inspect/layout.js';
import { toMermaid } from '../../inspect/mermaid.js';
import { renderSvg } from '../../inspect/svg.js';
import { flagOption, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../io.js';

type Definition = FlowMachineDefinition | ProcessMachineDefinition;

const FORMATS = {
  mermaid: async (definition: Definition) => toMermaid(definition),
  dot: async (definition: Definition) => toDot(definition),
  svg: async (definition: Definition) => renderSvg(await layoutMachine(definition)),
} as const satisfies Record<string, (definition: Definition) => Promise<string>>;
type Format = keyof typeof FORMATS;

const EXTENSIONS: Record<string, Format> = { '.mmd': 'mermaid', '.mermaid': 'mermaid', '.dot': 'dot', '.gv': 'dot', '.svg': 'svg' };

/** A flow with its forEach bodies (`checkout:reserve`), which run as machines of their own. */
function flowsOf(flows: Iterable<FlowMachineDefinition>): Map<string, FlowMachineDefinition> {
  const out = new Map<string, FlowMachineDefinition>();
  const add = (flow: FlowMachineDefinition) => {
    out.set(flow.id, flow);
    Object.values(flow.bodies).forEach(add);
  };
  for (const flow of flows) add(flow);
  return out;
}

const listed = (ids: Iterable<string>) => [...ids].join(', ') || 'none';

function formatOf(value: string | undefined, out: string | undefined): Format {
  if (value === undefined) return (out && EXTENSIONS[extname(out).toLowerCase()]) || 'mermaid';
  if (value in FORMATS) return value as Format;
  throw new UsageError(`graph: unknown --format "${value}"; formats: ${Object.keys(FORMATS).join(', ')}`);
}

export const graphCommand: Command = {
  name: 'graph',
  summary: 'draw a flow or process as a statechart (Mermaid, Graphviz DOT or SVG)',
  help: `Usage: runtime-core graph <file> [--flow <id> | --process <id>] [--format mermaid|dot|svg] [--out <file>]

Draws the compiled machine of one flow or process: nested and parallel states as nested boxes, retries,
timeouts, waits and timers as states and labelled transitions (see docs/inspecting.md). A forEach body is
a machine of its own: --flow <flow>:<step>. With one flow or process in the system, no id is needed.

Options:
  --flow <id>      the flow to draw
  --process <id>   the process to draw
  --format <name>  mermaid (stateDiagram-v2), dot (Graphviz) or svg (laid out by elkjs, as the inspector
                   draws it) (default: from the --out extension .mmd/.dot/.svg, else mermaid)
  --out <file>     write to a file instead of standard output
  --trusted        run a .ts document instead of reading it statically
  --verbose        show stack traces of unexpected errors
  -h, --help       show this help`,
  async run(argv, io) {
    const args = parseCommandArgs('graph', argv, {
      flow: { type: 'string' },
      process: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      trusted: { type: 'boolean' },
    });
    const [file, ...extra] = args.positionals;
    if (!file || extra.length) throw new UsageError('graph: expected exactly one <file> (see runtime-core graph --help)');
    const flowId = stringOption(args, 'flow');
    const processId = stringOption(args, 'process');
    if (flowId !== undefined && processId !== undefined) throw new UsageError('graph: give --flow or --process, not both');
    const out = stringOption(args, 'out');
    const format = formatOf(stringOption(args, 'format'), out);

    const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });
    const definitions = compileSystemDefinitions(system);
    const flows = flowsOf(definitions.flows.values());
    const { processes } = definitions;
    let definition: Definition | undefined;
    if (flowId !== undefined) {
      definition = flows.get(flowId);
      if (!definition) throw new UsageError(`graph: no flow "${flowId}" in ${system.id}; flows: ${listed(flows.keys())}`);
    } else if (processId !== undefined) {
      definition = processes.get(processId);
      if (!definition) throw new UsageError(`graph: no process "${processId}" in ${system.id}; processes: ${listed(processes.keys())}`);
    } else {
      const all = [...definitions.flows.values(), ...processes.values()];
      if (all.length !== 1) {
        throw new UsageError(
          `graph: choose a machine with --flow <id> (${listed(definitions.flows.keys())}) or --process <id> (${listed(processes.keys())})`,
        );
      }
      definition = all[0] as Definition;
    }

    const text = await FORMATS[format](definition);
    if (out === undefined) {
      io.out(text.replace(/\n$/, ''));
      return 0;
    }
    const path = resolve(io.cwd, out);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    io.out(`wrote ${relative(io.cwd, path)}`);
    return 0;
  },
};
