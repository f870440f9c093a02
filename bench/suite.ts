// The whole benchmark: flows (workloads 1–4), process instances (5 and 6), durable workloads (7 and 8), then the
// report. `--only` picks parts.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchConfig } from './config.js';
import { runningFromSource } from './launch.js';
import { gcExposed } from './measure.js';
import { buildReport, formatReport, type Measured, type Report } from './report.js';
import { runDurableSuite } from './suites/durable.js';
import { runFlowSuite } from './suites/flows.js';
import { runProcessSuite } from './suites/processes.js';
import { flowWorkloads } from './workloads/all.js';

/** Runs every workload, prints progress and the table through `log`, writes the JSON to `config.outFile`. */
export async function runBench(config: BenchConfig, log: (line: string) => void = console.log): Promise<Report> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const measured: Measured = { flows: [] };
  if (config.only.includes('flows')) {
    log(`flows (${config.quick ? 'quick' : 'full'} run): checking, warming up, then ${config.repeats} × ${config.budgetMs} ms per implementation`);
    measured.flows = await runFlowSuite(flowWorkloads, config, log);
  }
  if (config.only.includes('processes')) {
    log(`process instances: ${config.instances.toLocaleString('en-US')} per implementation`);
    measured.processes = await runProcessSuite(config, log);
  }
  if (config.only.includes('durable')) {
    log(`durable: the 10-step flow with each store (${config.repeats} × ${config.budgetMs} ms, interleaved), then recovery of ${config.instances.toLocaleString('en-US')} waiting instances`);
    measured.durable = await runDurableSuite(config, log);
  }

  const report = buildReport(config, { gcExposed, fromSource: runningFromSource, loadBefore }, measured, performance.now() - started);
  log(`\n${formatReport(report)}`);
  const outFile = resolve(config.outFile);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${outFile} in ${(report.meta.durationMs as number / 1000).toFixed(1)} s`);
  return report;
}
