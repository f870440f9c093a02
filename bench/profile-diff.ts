// `tsx bench/profile-diff.ts <a.cpuprofile> <b.cpuprofile> [rows]`: where the time of one operation of A goes beyond
// B's (e.g. bench/profiles/sequential-runtime-core.cpuprofile against sequential-xstate.cpuprofile, both written by
// bench/profile.ts with their operation counts next to them in *.meta.json). Self time per folder, file and function
// in µs per operation, A − B, largest first. The profiler samples wall-clock time, so on a loaded machine time the
// process spent waiting for a core is charged to whatever was on the stack; each profile's figures are therefore scaled
// so that they add up to its measured CPU time per operation (process.cpuUsage, in *.meta.json), and the raw A − B
// is shown next to them.
import { readFileSync } from 'node:fs';
import { selfTimes, type CpuProfile } from './profile-summary.js';

interface Loaded {
  file: string;
  ops: number;
  cpuUsPerOp: number;
  times: ReturnType<typeof selfTimes>;
}

function load(file: string): Loaded {
  const meta = JSON.parse(readFileSync(file.replace(/\.cpuprofile$/, '.meta.json'), 'utf8')) as { ops: number; cpuUsPerOp: number };
  return { file, ops: meta.ops, cpuUsPerOp: meta.cpuUsPerOp, times: selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile) };
}

type PerOp = (ms: number) => number;

function rowsOf(a: Map<string, number>, b: Map<string, number>, scaled: [PerOp, PerOp], raw: [PerOp, PerOp], rows: number, diffCpu: number): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const diffs = [...keys].map((key) => {
    const [ua, ub] = [scaled[0](a.get(key) ?? 0), scaled[1](b.get(key) ?? 0)];
    return { key, ua, ub, d: ua - ub, rawD: raw[0](a.get(key) ?? 0) - raw[1](b.get(key) ?? 0) };
  });
  const cell = (n: number) => n.toFixed(1).padStart(8);
  return diffs
    .sort((x, y) => y.d - x.d)
    .slice(0, rows)
    .map(({ key, ua, ub, d, rawD }) => `${cell(d)} ${`${((100 * d) / diffCpu).toFixed(1)}%`.padStart(7)} ${cell(ua)} ${cell(ub)} ${cell(rawD)}  ${key}`);
}

function main(): void {
  const [fileA, fileB, rowsText = '25'] = process.argv.slice(2);
  if (!fileA || !fileB) throw new Error('usage: tsx bench/profile-diff.ts <a.cpuprofile> <b.cpuprofile> [rows]');
  const a = load(fileA);
  const b = load(fileB);
  const rows = Number(rowsText);
  const perOp = (x: Loaded) => (ms: number) => (ms * 1000) / x.ops;
  const busy = (x: Loaded) => perOp(x)(x.times.total);
  const head = '   A − B  share        A        B  raw A−B   (µs of self time per operation, scaled to CPU time; share of the CPU A − B)';
  const scale = (x: Loaded) => (ms: number) => (perOp(x)(ms) * x.cpuUsPerOp) / busy(x);
  const diffCpu = a.cpuUsPerOp - b.cpuUsPerOp;
  console.log(`A ${a.file}: ${busy(a).toFixed(0)} µs busy (profile), ${a.cpuUsPerOp.toFixed(0)} µs CPU per operation, ${a.ops} operations`);
  console.log(`B ${b.file}: ${busy(b).toFixed(0)} µs busy (profile), ${b.cpuUsPerOp.toFixed(0)} µs CPU per operation, ${b.ops} operations`);
  console.log(`A − B: ${(busy(a) - busy(b)).toFixed(0)} µs busy, ${(a.cpuUsPerOp - b.cpuUsPerOp).toFixed(0)} µs CPU per operation`);
  for (const [title, key] of [['folder', 'byFolder'], ['file', 'byFile'], ['function', 'byFunction']] as const) {
    console.log(`\nby ${title}\n${head}`);
    console.log(rowsOf(a.times[key], b.times[key], [scale(a), scale(b)], [perOp(a), perOp(b)], rows, diffCpu).join('\n'));
  }
}

main();
