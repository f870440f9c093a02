// Turns measurements into the JSON report (with ratios and targets) and the table printed to the console.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BenchConfig } from './config.js';
import { median } from './measure.js';
import { int, ratio, round2, table } from './table.js';
import { formatDurable } from './report-durable.js';
import type { DurableResult } from './suites/durable.js';
import type { FlowModeResult, FlowResult } from './suites/flows.js';
import type { ProcessResult } from './suites/processes.js';

/** What the design asks of runtime-core. */
export const TARGETS = {
  /** Compiled flows: at least the throughput of the same flow hand-written in XState. */
  flowsVsXstate: 1.0,
  /** Heap per idle process instance. */
  bytesPerIdleInstance: 4096,
  /**
   * The runtime's side of a store write, measured with a store that stores nothing (µs per write): at least half of
   * the ~75 µs measured at commit `8161d8c` (docs/performance.md). An absolute figure: compare on a quiet machine.
   */
  storeRuntimeUsPerWrite: 37.5,
} as const;

export interface Report {
  meta: Record<string, unknown>;
  targets: typeof TARGETS;
  flows: Array<
    FlowResult &
      FlowModeFigures & {
        /** Both modes: one flow at a time (the fields above) and, unless `--in-flight 0`, `inFlight.flows` in flight. */
        inFlight?: FlowResult['inFlight'] & FlowModeFigures;
        /** The target is met when it is met in every mode measured. */
        targetMet: boolean;
      }
  >;
  /** Absent when `--only` left workloads 5 and 6 out (the flows are then an empty list). */
  processes?: ProcessResult & {
    ratios: { bytesRuntimeCoreVsXstate: number; eventsRuntimeCoreVsXstate: number };
    targetMet: boolean;
  };
  /** Workloads 7 and 8 (stores, recovery); absent when `--only` left them out. */
  durable?: DurableResult;
}

/** What the report derives from one mode's flows/s. */
export interface FlowModeFigures {
  stepsPerSecond?: Record<string, number>;
  /** Median over repetitions of the ratio within a repetition (measured interleaved): steadier on a busy machine. */
  ratios: { runtimeCoreVsXstate: number; runtimeCoreVsAsync: number };
  /** Ratio of the medians. */
  ratiosOfMedians: { runtimeCoreVsXstate: number; runtimeCoreVsAsync: number };
  targetMet: boolean;
}

/** What a run measured: `--only` leaves sections out. */
export interface Measured {
  flows: FlowResult[];
  processes?: ProcessResult;
  durable?: DurableResult;
}

/** Median over repetitions of `a[r] / b[r]`. */
const pairedRatio = (a: readonly number[], b: readonly number[]) => median(a.map((x, r) => x / (b[r] ?? Number.NaN)));

/** The commit measured, and whether the engine's folders had uncommitted changes (read-only git calls). */
function sourceVersion(): { commit: string; engineModified: boolean } | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), engineModified: git('status', '--porcelain', '--', 'src', 'compiler', 'machines') !== '' };
  } catch {
    return undefined;
  }
}

/** Ratios, steps/s and the target of one mode's flows/s. */
function modeFigures(mode: FlowModeResult, steps: number | undefined): FlowModeFigures {
  const rc = mode.flowsPerSecond['runtime-core'];
  const runtimeCoreVsXstate = pairedRatio(mode.runs['runtime-core'], mode.runs.xstate);
  return {
    ratios: { runtimeCoreVsXstate, runtimeCoreVsAsync: pairedRatio(mode.runs['runtime-core'], mode.runs.async) },
    ratiosOfMedians: { runtimeCoreVsXstate: rc / mode.flowsPerSecond.xstate, runtimeCoreVsAsync: rc / mode.flowsPerSecond.async },
    targetMet: runtimeCoreVsXstate >= TARGETS.flowsVsXstate,
    ...(steps !== undefined && { stepsPerSecond: Object.fromEntries(Object.entries(mode.flowsPerSecond).map(([k, v]) => [k, v * steps])) }),
  };
}

export function buildReport(config: BenchConfig, run: { gcExposed: boolean; fromSource: boolean; loadBefore: number }, measured: Measured, durationMs: number): Report {
  const { flows, processes, durable } = measured;
  const cpus = os.cpus();
  return {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      quick: config.quick,
      sections: config.only,
      budgetMs: config.budgetMs,
      sliceMs: config.sliceMs,
      warmupMs: config.warmupMs,
      repeats: config.repeats,
      gcExposed: run.gcExposed,
      /** 1-minute load average before and after: other work on the machine widens the spread of the figures. */
      loadAverage: { before: round2(run.loadBefore), after: round2(os.loadavg()[0] ?? 0) },
      code: run.fromSource ? 'TypeScript source under tsx (--tsx)' : 'transpiled JavaScript (tsc output, as a build ships)',
      durationMs: Math.round(durationMs),
      source: sourceVersion(),
    },
    targets: TARGETS,
    flows: flows.map(({ inFlight: measuredInFlight, ...flow }) => {
      const oneAtATime = modeFigures(flow, flow.stepsPerFlow);
      const inFlight = measuredInFlight && { ...measuredInFlight, ...modeFigures(measuredInFlight, flow.stepsPerFlow) };
      return { ...flow, ...oneAtATime, ...(inFlight && { inFlight }), targetMet: oneAtATime.targetMet && (inFlight?.targetMet ?? true) };
    }),
    ...(processes && {
      processes: {
        ...processes,
        ratios: {
          bytesRuntimeCoreVsXstate: pairedRatio(processes.bytesPerInstanceRuns['runtime-core'], processes.bytesPerInstanceRuns.xstate),
          eventsRuntimeCoreVsXstate: pairedRatio(processes.eventsPerSecondRuns['runtime-core'], processes.eventsPerSecondRuns.xstate),
        },
        targetMet: processes.bytesPerInstance['runtime-core'] <= TARGETS.bytesPerIdleInstance,
      },
    }),
    ...(durable && { durable }),
  };
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

const cpus = (meta: Record<string, unknown>) => Number(meta.cpus) || 1;

/** The report as a console table: figures per implementation, ratios, and each target next to its figure. */
export function formatReport(report: Report): string {
  const rows: string[][] = [['workload', 'unit', 'mode', 'runtime-core', 'XState (hand)', 'async/await', 'rc / XState', 'rc / async', 'target', '']];
  const mark = `≥ ${report.targets.flowsVsXstate.toFixed(1)}× XState`;
  for (const flow of report.flows) {
    // One row per mode, side by side: one flow at a time, then `inFlight.flows` in flight; steps/s after them.
    const modes = [{ label: '1 at a time', figures: flow as FlowModeResult & FlowModeFigures }];
    if (flow.inFlight) modes.push({ label: `${flow.inFlight.flows} in flight`, figures: flow.inFlight });
    modes.forEach(({ label, figures }, i) => {
      const f = figures.flowsPerSecond;
      rows.push([i === 0 ? flow.title : '', 'flows/s', label, int(f['runtime-core']), int(f.xstate), int(f.async), ratio(figures.ratios.runtimeCoreVsXstate), ratio(figures.ratios.runtimeCoreVsAsync), mark, verdict(figures.targetMet)]);
    });
    for (const { label, figures } of modes) {
      const s = figures.stepsPerSecond;
      if (s) rows.push(['', 'steps/s', label, int(s['runtime-core'] ?? NaN), int(s.xstate ?? NaN), int(s.async ?? NaN), '', '', '', '']);
    }
  }
  const p = report.processes;
  if (p) {
    rows.push([
      `idle instance heap (${int(p.instances)})`, 'B/instance', '', int(p.bytesPerInstance['runtime-core']), int(p.bytesPerInstance.xstate), '', ratio(p.ratios.bytesRuntimeCoreVsXstate), '',
      `≤ ${int(report.targets.bytesPerIdleInstance)} B`, verdict(p.targetMet),
    ]);
    rows.push(['events to instances', 'events/s', '', int(p.eventsPerSecond['runtime-core']), int(p.eventsPerSecond.xstate), '', ratio(p.ratios.eventsRuntimeCoreVsXstate), '', '', '']);
  }
  const m = report.meta;
  const header = `runtime-core benchmark — Node ${String(m.node)}, ${String(m.cpus)} × ${String(m.cpuModel)}; ` +
    `${String(m.budgetMs)} ms per measurement (in ${String(m.sliceMs)} ms slices, interleaved), median of ${String(m.repeats)}${m.quick ? ' (--quick)' : ''}; ${String(m.code)}` +
    `${m.gcExposed ? '' : '; WARNING: no --expose-gc, heap figures are unreliable'}`;
  const load = m.loadAverage as { before: number; after: number };
  const busy = Math.max(load.before, load.after) > cpus(m) ? `\nWARNING: load average ${load.before} → ${load.after} on ${cpus(m)} cores: other work competed for the CPU.` : '';
  const note = 'Ratios: median over repetitions of runtime-core / other, both measured in the same repetition (interleaved). ' +
    'flows: one flow at a time (each awaited before the next starts), or n in flight (a new flow starts whenever one ends).';
  const main = rows.length > 1 ? `\n\n${table(rows)}\n${note}\n` : '\n';
  return `${header}${busy}${main}${report.durable ? `\n${formatDurable(report.durable, report.targets.storeRuntimeUsPerWrite)}` : ''}`;
}
