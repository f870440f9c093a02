// How the commands on stored instances print them: states, times, tables, history entries, recovery reports.
import type { StateValue } from 'xstate';
import type { StepRecord } from '../../machines/flow-state.js';
import { activeStateIds } from '../inspect/graph.js';
import type { HistoryEntry, InstanceRecord, InstanceSummary } from '../persistence/store.js';
import type { RecoveryReport } from '../runtime/host/instance-host.js';

/** A time as ISO 8601 (UTC), to the millisecond. */
export const formatTime = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());

/** The innermost active states of a state value, as paths: `running.charge.$attempt`; parallel regions comma-separated. */
export function formatState(value: StateValue | undefined | null): string {
  if (value === undefined || value === null) return '-';
  const ids = activeStateIds(value);
  return ids.filter((id) => !ids.some((other) => other.startsWith(`${id}.`))).join(', ') || '-';
}

/** Rows as columns padded to their widest cell; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const listed = (ids: readonly string[]) => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, …` : ids.join(', '));

/** One line: what `runtime.start()` found in the store. */
export function formatRecovery(report: RecoveryReport, store: string): string {
  const parts: string[] = [];
  if (report.recovered.length) parts.push(`recovered ${plural(report.recovered.length, 'instance')} (${listed(report.recovered)})`);
  if (report.upgraded.length) parts.push(`${report.upgraded.length} on a changed machine (${listed(report.upgraded)})`);
  if (report.needsMigration.length) {
    const which = report.needsMigration.map((m) => `${m.instanceId}: missing ${m.missing.join(', ')}`);
    parts.push(`${report.needsMigration.length} need${report.needsMigration.length === 1 ? 's' : ''} migration (${listed(which)})`);
  }
  if (report.unreadable.length) parts.push(`${report.unreadable.length} unreadable (${listed(report.unreadable.map((u) => `${u.instanceId}: ${u.error.message}`))})`);
  if (report.removed) parts.push(`removed ${plural(report.removed, 'expired instance')}`);
  return `store ${store}: ${parts.length ? parts.join('; ') : 'nothing to recover'}`;
}

interface StoredSnapshot {
  value?: StateValue;
  context?: { stepStatus?: Record<string, StepRecord> } & Record<string, unknown>;
  output?: { success?: boolean; output?: unknown };
}

/** What `state --json` prints: the summary, the state value, and the context (a process) or the steps and result (a flow). */
export function instanceView(record: InstanceRecord): Record<string, unknown> {
  const { snapshot: raw, ...summary } = record;
  const snapshot = (raw ?? {}) as StoredSnapshot;
  const view: Record<string, unknown> = { ...summary, state: snapshot.value ?? null };
  if (record.kind === 'process') view.context = snapshot.context ?? {};
  else {
    view.steps = snapshot.context?.stepStatus ?? {};
    if (snapshot.output !== undefined) view.result = snapshot.output;
  }
  return view;
}

/** `state` as text. */
export function formatInstance(record: InstanceRecord): string {
  const snapshot = (record.snapshot ?? {}) as StoredSnapshot;
  const rows: string[][] = [
    ['instance', record.instanceId],
    ['definition', `${record.kind} ${record.definitionId}`],
    ['status', record.status],
    ['state', formatState(snapshot.value)],
    ['version', String(record.version)],
    ['created', formatTime(record.createdAt)],
    ['updated', formatTime(record.updatedAt)],
  ];
  if (record.finishedAt !== undefined) rows.push(['finished', formatTime(record.finishedAt)]);
  rows.push(['system', `${record.systemId} ${record.systemVersion}`]);
  if (record.error) rows.push(['error', `${record.error.name}: ${record.error.message}`]);
  if (record.kind === 'process') rows.push(['context', JSON.stringify(snapshot.context ?? {})]);
  else if (snapshot.output?.success) rows.push(['output', JSON.stringify(snapshot.output.output) ?? 'undefined']);
  const lines = [table(rows.map(([label, value]) => [`${label}:`, value ?? '']))];
  const steps = Object.entries(snapshot.context?.stepStatus ?? {});
  if (record.kind === 'flow') {
    lines.push('steps:');
    if (steps.length === 0) lines.push('  (none started)');
    else {
      const stepRows = steps.map(([id, step]) => {
        const detail = step.error ? `${step.error.name}: ${step.error.message}` : step.delayMs !== undefined ? `retry in ${step.delayMs}ms` : '';
        return [`  ${id}`, step.status, plural(step.attempts, 'attempt'), detail];
      });
      lines.push(table(stepRows).replace(/ +$/gm, ''));
    }
  }
  return lines.join('\n');
}

/** `instances` as a table. */
export function formatInstances(instances: readonly InstanceSummary[]): string {
  const rows = instances.map((i) => [i.instanceId, i.kind, i.definitionId, i.status, String(i.version), formatTime(i.updatedAt)]);
  return table([['INSTANCE', 'KIND', 'DEFINITION', 'STATUS', 'VERSION', 'UPDATED'], ...rows]);
}

/** `history` as text: one line per entry. */
export function formatHistory(entries: readonly HistoryEntry[]): string {
  return table(entries.map((e) => [String(e.seq), formatTime(e.at), e.type, e.data === undefined ? '' : JSON.stringify(e.data)])).replace(/ +$/gm, '');
}
