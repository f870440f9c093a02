import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMachine } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSystem, compileSystemDefinitions } from '../../compiler/system.js';
import type { FlowMachineDefinition, ProcessMachineDefinition } from '../../compiler/types.js';
import approvalSystem from '../../examples/approval/system.js';
import ordersSystem from '../../examples/orders/system.js';
import ticketSystem from '../../examples/ticket/system.js';
import { graphCommand } from '../../src/cli/commands/graph.js';
import { UsageError, type CliIo } from '../../src/cli/io.js';
import { assertValidSystem } from '../../src/dsl/validate.js';
import { toDot } from '../../src/inspect/dot.js';
import { activeStateIds, formatDelay, graphNodes, machineGraph, type MachineGraph } from '../../src/inspect/graph.js';
import { layoutMachine, type LaidOutNode } from '../../src/inspect/layout.js';
import { toMermaid } from '../../src/inspect/mermaid.js';
import { escapeXml, renderSvg } from '../../src/inspect/svg.js';

const orders = compileSystemDefinitions(assertValidSystem(ordersSystem));
const ticket = compileSystemDefinitions(assertValidSystem(ticketSystem));
const approval = compileSystemDefinitions(assertValidSystem(approvalSystem));
const checkout = orders.flows.get('checkout') as FlowMachineDefinition;
const shipping = orders.flows.get('shipping') as FlowMachineDefinition;
const ticketProcess = ticket.processes.get('ticket') as ProcessMachineDefinition;

const states = (graph: MachineGraph) => graphNodes(graph).filter((node) => node.kind !== 'initial');
const transitions = (graph: MachineGraph) => graph.edges.filter((edge) => edge.kind !== 'initial');
const sorted = (values: Iterable<string>) => [...values].sort();

describe('machineGraph', () => {
  it("draws a flow's retries, timeouts and parallel branches as states and labelled transitions", () => {
    const graph = machineGraph(checkout);
    const node = (id: string) => graphNodes(graph).find((n) => n.id === id);
    expect(node('running.charge')?.kind).toBe('compound');
    expect(node('running.charge.$attempt')).toMatchObject({ kind: 'atomic', details: ['task chargeCard'] });
    expect(node('running.notify')?.kind).toBe('parallel');
    expect(node('running.notify.$branch0')).toMatchObject({ kind: 'compound', region: true });
    expect(node('succeeded')?.kind).toBe('final');
    const edge = (source: string, label: string) => graph.edges.find((e) => e.source === source && e.label === label);
    expect(edge('running.charge.$attempt', 'error [retryable]')).toMatchObject({ target: 'running.charge.$backoff', kind: 'error', guard: 'retryable' });
    expect(edge('running.charge.$attempt', 'timeout 10s')).toMatchObject({ target: 'failed', kind: 'timer' });
    expect(edge('running.charge.$backoff', 'retry')).toMatchObject({ target: 'running.charge.$attempt', kind: 'timer' });
    expect(edge('running.big.$check', '[steps.charge.amount > 100]')?.target).toBe('running.big.$then');
    expect(edge('running.big.$check', 'else')?.target).toBe('running.big.$else');
    expect(edge('running.ship.$run', 'failed')?.target).toBe('running.ship.$catch');
    expect(edge('running.reserve', 'item done')?.target).toBe('running.reserve'); // targetless: a self-loop
    expect(edge('', 'flow.cancel')?.target).toBe('cancelled');
    expect(edge('running.charge.[*]', '')).toMatchObject({ target: 'running.charge.$attempt', kind: 'initial' });
  });

  it("labels a process's after timers, task outcomes and guards", () => {
    const graph = machineGraph(ticketProcess);
    const labels = sorted(transitions(graph).map((e) => `${e.source} -> ${e.target}: ${e.label}`));
    expect(labels).toContain('active.sla.running -> active.sla.escalated: after 1h [context.priority == "urgent"]');
    expect(labels).toContain('active.work.waitingOnCustomer -> closed: after 5d');
    expect(labels).toContain('active.work.triage -> active.work.open: done');
    expect(labels).toContain('active.work.triage -> active.work.open: error');
    expect(labels).toContain('resolved -> active.work.assigned: ticket.customer_replied');
    expect(labels).toContain('active.work.assigned -> resolved: ticket.resolved'); // '#ticket.resolved'
  });

  it('reads an XState machine the same as its JSON definition', () => {
    const machines = compileSystem(ordersSystem);
    const fromMachine = machineGraph(machines.flows.checkout as never);
    const fromDefinition = machineGraph(checkout);
    expect(fromMachine.edges).toEqual(fromDefinition.edges);
    expect(graphNodes(fromMachine).map((n) => [n.id, n.kind])).toEqual(graphNodes(fromDefinition).map((n) => [n.id, n.kind]));
  });

  it('resolves targets as XState does: siblings, .children, #id.path', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'work',
      states: {
        work: {
          id: 'w',
          initial: '$attempt',
          on: { RESET: '.$attempt' },
          states: { $attempt: { on: { FAIL: '$backoff', DEEP: '#w.$backoff', OUT: '#m.done' } }, $backoff: { always: '$attempt' } },
        },
        done: { type: 'final' },
      },
    });
    expect(machineGraph(machine).edges.map((e) => `${e.source} -> ${e.target}: ${e.label} (${e.kind})`)).toEqual([
      '[*] -> work:  (initial)',
      'work.[*] -> work.$attempt:  (initial)',
      'work -> work.$attempt: RESET (event)',
      'work.$attempt -> work.$backoff: FAIL (event)',
      'work.$attempt -> work.$backoff: DEEP (event)',
      'work.$attempt -> done: OUT (event)',
      'work.$backoff -> work.$attempt: retry (always)', // a backoff without delay
    ]);
    const broken = { id: 'x', initial: 'a', states: { a: { on: { GO: 'nowhere' } } } };
    expect(() => machineGraph(broken as never)).toThrow('State "a" of machine "x" targets "nowhere", which does not exist');
  });

  it('writes delays in the largest unit that reads well', () => {
    expect([100, 1500, 10_000, 61_000, 300_000, 5_400_000, 432_000_000].map(formatDelay)).toEqual(['100ms', '1.5s', '10s', '61s', '5m', '1.5h', '5d']);
  });

  it('turns a state value into the ids of its active states', () => {
    expect(activeStateIds({ running: { charge: '$attempt' } })).toEqual(['running', 'running.charge', 'running.charge.$attempt']);
    expect(activeStateIds({ active: { work: 'open', sla: 'running' } })).toEqual(['active', 'active.work', 'active.work.open', 'active.sla', 'active.sla.running']);
  });
});

/** `state "<label>" as <id>` declarations and `<a> --> <b> : <label>` transitions of Mermaid source. */
function parseMermaid(source: string) {
  const declared = new Map<string, string>();
  for (const [, label, id] of source.matchAll(/^\s*state "([^"]*)" as (\S+)/gm)) declared.set(id as string, label as string);
  const edges = [...source.matchAll(/^\s*(\S+) --> (\S+)(?: : (.*))?$/gm)].filter((m) => m[1] !== '[*]' && m[2] !== '[*]');
  return { declared, edges: edges.map(([, from, to, label]) => ({ from: from as string, to: to as string, label: label ?? '' })) };
}

describe('toMermaid', () => {
  it('writes a small flow as a stateDiagram-v2', () => {
    expect(toMermaid(shipping)).toMatchInlineSnapshot(`
      "stateDiagram-v2
        state "shipping" as shipping {
          [*] --> running
          state "running" as running {
            [*] --> label
            state "label" as label {
              [*] --> attempt
              state "$attempt" as attempt
              attempt : task bookShipment
              state "$backoff" as backoff
            }
            state "pickup" as pickup
            state "$done" as done
            done --> [*]
          }
          state "succeeded" as succeeded
          succeeded --> [*]
          state "failed" as failed
          failed --> [*]
          state "cancelled" as cancelled
          cancelled --> [*]
        }
        shipping --> cancelled : flow.cancel
        running --> succeeded : done
        attempt --> pickup : done
        attempt --> backoff : error [retryable]
        attempt --> failed : error
        attempt --> backoff : timeout 30s [retryable]
        attempt --> failed : timeout 30s
        backoff --> attempt : retry
        pickup --> done : order.shipped [event.orderId == input.orderId]
        pickup --> failed : timeout 2d
      "
    `);
  });

  it.each([
    ['the checkout flow', checkout],
    ['the ticket process', ticketProcess],
  ])('%s: every state and every transition appears', (_name, definition) => {
    const graph = machineGraph(definition);
    const source = toMermaid(definition);
    const { declared, edges } = parseMermaid(source);
    expect(sorted(declared.values())).toEqual(sorted(states(graph).map((n) => (n.id === '' ? graph.id : n.label))));
    expect(edges.map((e) => e.label)).toEqual(transitions(graph).map((e) => e.label));
    for (const edge of edges) expect([declared.has(edge.from), declared.has(edge.to)]).toEqual([true, true]);
    for (const id of declared.keys()) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    const initials = graphNodes(graph).filter((n) => n.kind === 'initial').length;
    expect(source.match(/\[\*\] --> /g)).toHaveLength(initials);
    expect(source.match(/ --> \[\*\]/g)).toHaveLength(states(graph).filter((n) => n.kind === 'final').length);
  });

  it('separates parallel regions with --', () => {
    expect(toMermaid(checkout)).toMatch(/state "notify" as notify \{\n\s+state "\$branch0" as branch0 \{[^]*?\n\s+--\n\s+state "\$branch1" as branch1 \{/);
    expect(toMermaid(ticketProcess)).toMatch(/state "active" as active \{\n\s+state "work" as work \{[^]*?\n\s+--\n\s+state "sla" as sla \{/);
  });

  it('gives states with $, :, reserved words or clashing names unique plain ids, and keeps their names', () => {
    const machine = createMachine({
      id: 'odd',
      initial: 'a:b',
      states: {
        'a:b': { on: { 'go;now': '$x' }, after: { 1500: 'x' } },
        $x: { initial: 'end', states: { end: { type: 'final' } }, onDone: 'x' },
        x: { on: { 'say "hi"': { target: 'a:b', guard: ({ context }) => context === undefined } } },
      },
    });
    expect(toMermaid(machine)).toMatchInlineSnapshot(`
      "stateDiagram-v2
        state "odd" as odd {
          [*] --> a_b
          state "a:b" as a_b
          state "$x" as x {
            [*] --> x_end
            state "end" as x_end
            x_end --> [*]
          }
          state "x" as s_x_2
        }
        a_b --> x : go,now
        a_b --> s_x_2 : after 1.5s
        x --> s_x_2 : done
        s_x_2 --> a_b : say "hi" [guard]
      "
    `);
  });
});

describe('toDot', () => {
  it('writes a small flow as a digraph with a cluster per compound state', () => {
    expect(toDot(shipping)).toMatchInlineSnapshot(`
      "digraph "shipping" {
        compound=true;
        fontname="Helvetica"; fontsize=12;
        node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#64748b", fontname="Helvetica", fontsize=11];
        edge [fontname="Helvetica", fontsize=10, arrowsize=0.7];
        subgraph "cluster_shipping" {
          label="shipping"; labeljust="l"; style="rounded"; color="#64748b";
          "[anchor]" [shape=point, style=invis, width=0.01, label=""];
          "[*]" [shape=point, width=0.12, color="#0f172a", fillcolor="#0f172a", label=""];
          subgraph "cluster_shipping.running" {
            label="running"; labeljust="l"; style="rounded"; color="#64748b";
            "running.[*]" [shape=point, width=0.12, color="#0f172a", fillcolor="#0f172a", label=""];
            subgraph "cluster_shipping.running.label" {
              label="label"; labeljust="l"; style="rounded"; color="#64748b";
              "running.label.[*]" [shape=point, width=0.12, color="#0f172a", fillcolor="#0f172a", label=""];
              "running.label.$attempt" [label="$attempt\\ntask bookShipment"];
              "running.label.$backoff" [label="$backoff"];
            }
            "running.pickup" [label="pickup"];
            "running.$done" [label="$done", peripheries=2];
          }
          "succeeded" [label="succeeded", peripheries=2];
          "failed" [label="failed", peripheries=2];
          "cancelled" [label="cancelled", peripheries=2];
        }
        "[*]" -> "running.[*]" [lhead="cluster_shipping.running", color="#0f172a", fontcolor="#0f172a"];
        "[anchor]" -> "cancelled" [label="flow.cancel", color="#334155", fontcolor="#334155"];
        "running.[*]" -> "running.label.[*]" [lhead="cluster_shipping.running.label", color="#0f172a", fontcolor="#0f172a"];
        "running.[*]" -> "succeeded" [ltail="cluster_shipping.running", label="done", color="#15803d", fontcolor="#15803d"];
        "running.label.[*]" -> "running.label.$attempt" [color="#0f172a", fontcolor="#0f172a"];
        "running.label.$attempt" -> "running.pickup" [label="done", color="#15803d", fontcolor="#15803d"];
        "running.label.$attempt" -> "running.label.$backoff" [label="error [retryable]", color="#b91c1c", fontcolor="#b91c1c"];
        "running.label.$attempt" -> "failed" [label="error", color="#b91c1c", fontcolor="#b91c1c"];
        "running.label.$attempt" -> "running.label.$backoff" [label="timeout 30s [retryable]", color="#7c3aed", fontcolor="#7c3aed"];
        "running.label.$attempt" -> "failed" [label="timeout 30s", color="#7c3aed", fontcolor="#7c3aed"];
        "running.label.$backoff" -> "running.label.$attempt" [label="retry", color="#7c3aed", fontcolor="#7c3aed"];
        "running.pickup" -> "running.$done" [label="order.shipped [event.orderId == input.orderId]", color="#334155", fontcolor="#334155"];
        "running.pickup" -> "failed" [label="timeout 2d", color="#7c3aed", fontcolor="#7c3aed"];
      }
      "
    `);
  });

  it.each([
    ['the checkout flow', checkout],
    ['the ticket process', ticketProcess],
  ])('%s: every state and every transition appears', (_name, definition) => {
    const graph = machineGraph(definition);
    const source = toDot(definition);
    const clusters = [...source.matchAll(/subgraph "cluster_[^"]*" \{\n\s+label="([^"]*)"/g)].map((m) => (m[1] as string).replace(/ \(parallel\)$/, ''));
    const leaves = [...source.matchAll(/^\s+"[^"]*" \[label="([^"\\]*)/gm)].map((m) => m[1] as string);
    expect(sorted([...clusters, ...leaves])).toEqual(sorted(states(graph).map((n) => (n.id === '' ? graph.id : n.label))));
    const edgeLabels = [...source.matchAll(/^\s+"[^"]*" -> "[^"]*" \[(.*)\];$/gm)].map((m) => /label="((?:[^"\\]|\\.)*)"/.exec(m[1] as string)?.[1] ?? '');
    expect(edgeLabels).toEqual(graph.edges.map((e) => e.label.replace(/"/g, '\\"')));
    expect(source.match(/peripheries=2/g)).toHaveLength(states(graph).filter((n) => n.kind === 'final').length);
  });

  it('dashes the regions of a parallel state', () => {
    expect(toDot(ticketProcess)).toMatch(/subgraph "cluster_ticket.active.work" \{\n\s+label="work"; labeljust="l"; style="dashed,rounded"/);
  });
});

const allNodes = (nodes: LaidOutNode[]): LaidOutNode[] => nodes.flatMap((n) => [n, ...allNodes(n.children)]);
const overlap = (a: LaidOutNode, b: LaidOutNode) =>
  a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

describe('layoutMachine', { timeout: 20_000 }, () => {
  const machines: [string, FlowMachineDefinition | ProcessMachineDefinition][] = [
    ...[orders, ticket, approval].flatMap((system) => [...system.flows.values(), ...system.processes.values()]).map((d): [string, typeof d] => [`${d.kind} ${d.id}`, d]),
    ['forEach body checkout:reserve', checkout.bodies['each:reserve'] as FlowMachineDefinition],
  ];

  it.each(machines)('%s: child boxes lie inside their parent and never overlap each other', async (_name, definition) => {
    const laidOut = await layoutMachine(definition);
    const graph = machineGraph(definition);
    expect(sorted(allNodes(laidOut.nodes).map((n) => n.id))).toEqual(sorted(graphNodes(graph).map((n) => n.id)));
    for (const parent of allNodes(laidOut.nodes)) {
      for (const child of parent.children) {
        expect(child.x).toBeGreaterThanOrEqual(parent.x);
        expect(child.y).toBeGreaterThanOrEqual(parent.y);
        expect(child.x + child.width).toBeLessThanOrEqual(parent.x + parent.width + 0.5);
        expect(child.y + child.height).toBeLessThanOrEqual(parent.y + parent.height + 0.5);
      }
      parent.children.forEach((a, i) => parent.children.slice(i + 1).forEach((b) => expect(overlap(a, b), `${a.id} overlaps ${b.id}`).toBe(false)));
    }
    const root = laidOut.nodes[0] as LaidOutNode;
    expect(root.x + root.width).toBeLessThanOrEqual(laidOut.width);
    expect(root.y + root.height).toBeLessThanOrEqual(laidOut.height);
    for (const edge of laidOut.edges) {
      expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
      for (const p of edge.points) expect(p.x >= 0 && p.y >= 0 && p.x <= laidOut.width && p.y <= laidOut.height, `${edge.id} stays on the canvas`).toBe(true);
      if (edge.label) expect(edge.labelBox?.width, edge.id).toBeGreaterThan(0);
    }
  });

  it('puts compound states and parallel regions around their children, with the state ids of snapshots', async () => {
    const laidOut = await layoutMachine(checkout);
    const byId = new Map(allNodes(laidOut.nodes).map((n) => [n.id, n]));
    expect(byId.get('running.notify')?.children.map((c) => [c.id, c.kind, c.region])).toEqual([
      ['running.notify.$branch0', 'compound', true],
      ['running.notify.$branch1', 'compound', true],
    ]);
    expect(byId.get('running.charge')?.children.map((c) => c.id)).toEqual(['running.charge.[*]', 'running.charge.$attempt', 'running.charge.$backoff']);
  });
});

/** Checks XML well-formedness: one root, balanced and properly nested tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): string[] {
  const stack: string[] = [];
  const roots: string[] = [];
  const badAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const token = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_:][\w.:-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const [, closing, name, attributes, selfClosing, text, stray] of xml.matchAll(token)) {
    if (stray !== undefined) throw new Error(`stray < at ${xml.slice(xml.indexOf('<', 0), 40)}`);
    if (text !== undefined) {
      if (badAmpersand.test(text)) throw new Error(`unescaped & in ${text}`);
      if (stack.length === 0 && text.trim()) throw new Error(`text outside the root: ${text}`);
      continue;
    }
    if (badAmpersand.test(attributes ?? '')) throw new Error(`unescaped & in <${name}${attributes}>`);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) roots.push(name as string);
      if (!selfClosing) stack.push(name as string);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return roots;
}

describe('renderSvg', { timeout: 20_000 }, () => {
  it.each([
    ['the checkout flow', checkout],
    ['the ticket process', ticketProcess],
  ])('%s: a well-formed, self-contained SVG with every state label', async (_name, definition) => {
    const svg = renderSvg(await layoutMachine(definition));
    expect(assertWellFormedXml(svg)).toEqual(['svg']);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="[\d.]+" height="[\d.]+" viewBox="0 0 [\d.]+ [\d.]+"/);
    expect(svg).not.toMatch(/<style|<link|<image|href=|@import|url\(/);
    const graph = machineGraph(definition);
    for (const node of states(graph)) expect(svg).toContain(`>${escapeXml(node.id === '' ? graph.id : node.label)}</text>`);
    for (const edge of transitions(graph)) expect(svg).toContain(`>${escapeXml(edge.label)}</text>`);
    expect(svg).toContain('stroke-dasharray="6 4"'); // parallel regions
  });

  it('highlights the active states', async () => {
    const active = activeStateIds({ running: { charge: '$backoff' } });
    const svg = renderSvg(await layoutMachine(checkout), { active });
    const highlighted = [...svg.matchAll(/data-state="([^"]*)" data-kind="[^"]*" data-active="true"/g)].map((m) => m[1]);
    expect(highlighted).toEqual(['running', 'running.charge', 'running.charge.$backoff']);
    expect(svg).toMatch(/data-state="running.charge.\$backoff" data-kind="atomic" data-active="true">[^]*?fill="#dbeafe"/);
  });

  it('escapes names and labels', async () => {
    const machine = createMachine({ id: 'a<b>', initial: 'x&y', states: { 'x&y': { on: { 'e"1': 'z' } }, z: { type: 'final' } } });
    const svg = renderSvg(await layoutMachine(machine));
    assertWellFormedXml(svg);
    expect(svg).toContain('>x&amp;y</text>');
    expect(svg).toContain('>e&quot;1</text>');
    expect(svg).toContain('<title>a&lt;b&gt;</title>');
  });
});

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-graph-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `runtime-core graph` as `runCli` does: a UsageError is one line on stderr and exit code 2. */
async function graph(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false, cwd: root };
  let code: number;
  try {
    code = await graphCommand.run(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err.push(`runtime-core: ${error.message}`);
    code = 2;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('runtime-core graph', { timeout: 20_000 }, () => {
  const file = 'examples/orders/system.ts';

  it('writes Mermaid (the default), DOT or SVG to stdout', async () => {
    expect(await graph(file, '--flow', 'shipping')).toEqual({ code: 0, out: toMermaid(shipping).trimEnd(), err: '' });
    expect(await graph(file, '--flow', 'shipping', '--format', 'dot')).toEqual({ code: 0, out: toDot(shipping).trimEnd(), err: '' });
    const svg = await graph(file, '--process', 'order', '--format', 'svg');
    expect(svg.code).toBe(0);
    expect(assertWellFormedXml(svg.out)).toEqual(['svg']);
    expect(svg.out).toContain('>order.paid [event.amount &gt; 0]</text>');
  });

  it('writes to --out, taking the format from its extension', async () => {
    const out = join(work, 'pictures', 'checkout.svg');
    const r = await graph(file, '--flow', 'checkout', '--out', out);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^wrote .*checkout\.svg$/);
    expect(assertWellFormedXml(readFileSync(out, 'utf8'))).toEqual(['svg']);
    const dot = join(work, 'checkout.txt');
    expect((await graph(file, '--flow', 'checkout', '--format', 'dot', '--out', dot)).code).toBe(0);
    expect(readFileSync(dot, 'utf8')).toBe(toDot(checkout));
  });

  it('draws a forEach body by its machine id, and the only machine of a system without an id', async () => {
    const body = await graph(file, '--flow', 'checkout:reserve');
    expect(body.out).toContain('state "checkout:reserve" as checkout_reserve {');
    const one = join(work, 'one.json');
    writeFileSync(one, JSON.stringify({ id: 'one', tasks: { t: {} }, flows: { only: { steps: [{ id: 'a', type: 'task', task: 't' }, { id: 'nap', type: 'wait', duration: '5m' }] } } }));
    const single = await graph(one);
    expect(single.code).toBe(0);
    expect(single.out).toContain('  a --> nap : done\n');
    expect(single.out).toContain('  nap --> done : after 5m');
  });

  it.each([
    [['--flow', 'nope'], 'runtime-core: graph: no flow "nope" in orders; flows: checkout, checkout:reserve, shipping'],
    [['--process', 'nope'], 'runtime-core: graph: no process "nope" in orders; processes: order'],
    [['--flow', 'checkout', '--format', 'png'], 'runtime-core: graph: unknown --format "png"; formats: mermaid, dot, svg'],
    [['--flow', 'checkout', '--process', 'order'], 'runtime-core: graph: give --flow or --process, not both'],
    [[], 'runtime-core: graph: choose a machine with --flow <id> (checkout, shipping) or --process <id> (order)'],
    [['--colour', 'red'], /^runtime-core: graph: unknown option '--colour'/],
  ])('%j is a one-line usage error with exit code 2', async (args, message) => {
    const r = await graph(file, ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).not.toContain('\n');
    if (typeof message === 'string') expect(r.err).toBe(message);
    else expect(r.err).toMatch(message);
  });
});
