// Reads a CPU profile as "where does the time of one operation go": self time per function, file and folder,
// in µs per operation. (Self time, not inclusive: in an actor system a promise continuation runs the next
// transition, so inclusive time would charge the whole flow to whichever frame resumed it.)

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/xstate/…`, `machines/task-attempt.ts`, `node:internal/…`, or `(garbage collector)`. */
function sourceOf(url: string, functionName: string, root: string): string {
  if (!url) return `(${functionName})`;
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\/\.cache\/runtime-core-bench\//, '') // the transpiled build: show it as the source tree
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(`${root}/`, '');
}

/** Groups files the way the design's folders do: `node_modules/xstate`, `machines`, `src/runtime`, `node:internal/<area>`. */
function folderOf(source: string): string {
  if (source.startsWith('(')) return source;
  const parts = source.split('/');
  if (source.startsWith('node_modules/')) return parts.slice(0, 2).join('/');
  if (source.startsWith('node:')) return source.replace(/^node:internal\//, 'node:').split('/')[0] as string;
  return parts.length > 1 ? parts.slice(0, -1).join('/') : source;
}

function top(map: Map<string, number>, total: number, rows: number, perOp: (ms: number) => string): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([key, time]) => `${((100 * time) / total).toFixed(1).padStart(6)}%  ${perOp(time).padStart(9)}  ${key}`);
}

/** Self time (ms) per function, file and folder of `profile`, and in all; idle time left out. */
export function selfTimes(profile: CpuProfile, root = process.cwd()): { byFunction: Map<string, number>; byFile: Map<string, number>; byFolder: Map<string, number>; total: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byFolder = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs → ms
    if (!node || node.callFrame.functionName === '(idle)') return;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const source = sourceOf(url, functionName, root);
    const fn = `${functionName || '(anonymous)'}  ${source}${url ? `:${lineNumber + 1}:${columnNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    byFile.set(source, (byFile.get(source) ?? 0) + dt);
    byFolder.set(folderOf(source), (byFolder.get(folderOf(source)) ?? 0) + dt);
    total += dt;
  });
  return { byFunction, byFile, byFolder, total };
}

/** A text summary of `profile`, which covered `ops` operations. Idle time is left out of the percentages. */
export function summarizeProfile(profile: CpuProfile, ops: number, rows = 20, root = process.cwd()): string {
  const { byFunction, byFile, byFolder, total } = selfTimes(profile, root);
  const perOp = (ms: number) => `${((ms * 1000) / ops).toFixed(1)} µs`;
  return [
    `busy ${total.toFixed(0)} ms over ${ops.toLocaleString('en-US')} operations = ${perOp(total)} per operation`,
    '', 'self time by folder           per op', ...top(byFolder, total, rows, perOp),
    '', 'self time by file             per op', ...top(byFile, total, rows, perOp),
    '', 'self time by function         per op', ...top(byFunction, total, rows, perOp),
  ].join('\n');
}
