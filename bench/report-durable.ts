// The durable workloads (7 and 8) as console tables.
import type { DurableResult } from './suites/durable.js';
import { int, ratio, table } from './table.js';
import { DURABLE_TITLES } from './workloads/durable.js';

const micro = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')} µs` : '–');

/** Workloads 7 and 8; `runtimeTargetUs` is the target for the runtime's side of a write (the store that stores nothing). */
export function formatDurable(durable: DurableResult, runtimeTargetUs: number): string {
  const { flows, recovery } = durable;
  const rows: string[][] = [['7) 10-step flow, store', 'flows/s', '/ in-memory', '/ MemoryStore', 'writes/flow', 'µs/write', 'disk B/flow']];
  for (const kind of flows.kinds) {
    rows.push([
      DURABLE_TITLES[kind],
      int(flows.flowsPerSecond[kind]),
      ratio(flows.ratioToInMemory[kind]),
      kind === 'in-memory' ? '' : ratio(flows.ratioToMemoryStore[kind]),
      flows.writesPerFlow[kind]?.toFixed(1) ?? '',
      kind === 'in-memory' ? '' : micro(flows.usPerWrite[kind]),
      int(flows.diskBytesPerFlow[kind]),
    ]);
  }
  const json = flows.jsonRoundTrip;
  const runtimeSide = flows.runtimeUsPerWrite;
  const notes = [
    `Runtime side of a write (the store that stores nothing: snapshot, history, inspection events, scheduling): ${micro(runtimeSide)} per write; ` +
      `target ≤ ${micro(runtimeTargetUs)} (half of ~75 µs) — ${Number.isFinite(runtimeSide) ? (runtimeSide <= runtimeTargetUs ? 'met' : 'MISSED') : 'not measured'}.`,
    `Snapshot JSON ${int(flows.snapshotBytes.mean)} B per write on average, ${int(flows.snapshotBytes.last)} B for the completed flow; ${flows.historyEntriesPerFlow.toFixed(1)} history entries per flow.`,
    `µs/write: extra time per flow over the in-memory runtime, divided by the writes of a flow (each task attempt waits for its snapshot write).`,
    `Serialising a snapshot (the store's JSON.stringify, once per write): ${micro(json.stringifyUsPerWrite)}; a parse on top (as a copy would cost): ${micro(json.usPerWrite)}.`,
    'postgres' in durable && 'skipped' in durable.postgres
      ? `PostgreSQL rows skipped: ${durable.postgres.skipped}`
      : 'origin' in durable.postgres
        ? `PostgreSQL: ${durable.postgres.origin}; fsync ${durable.postgres.fsync}, synchronous_commit ${durable.postgres.synchronousCommit} (the 'off' row sets it per connection).`
        : '',
  ];
  const recoveryRows: string[][] = [['8) recovery after a restart', 'instances', 'recovered/s', '+ writes stored', 'B/instance', 'writes/instance', 'errors', 'stored in']];
  for (const store of recovery.stores) {
    recoveryRows.push([
      DURABLE_TITLES[store.kind],
      int(store.instances),
      int(store.recoveredPerSecond),
      int(store.recoveredAndStoredPerSecond),
      int(store.bytesPerInstance),
      store.writesPerInstance.toFixed(1),
      int(store.errors),
      `${(store.populateMs / 1000).toFixed(1)} s`,
    ]);
  }
  const recoveryNote =
    `recovered/s: new ReactiveSystemRuntime + await start() until every instance runs again (flows waiting on a 1-day timer); ` +
    `+ writes stored: until the writes recovery makes are stored too. B/instance: heap per recovered instance ` +
    `(a waiting instance started without a store: ${int(recovery.inMemoryBytesPerInstance)} B). Median of the restarts. ` +
    `errors: writes that failed during the restarts (retried by the runtime), e.g. ${recovery.stores.find((s) => s.firstError)?.firstError ?? 'none'}`;
  return `${table(rows)}\n${notes.filter(Boolean).join('\n')}\n\n${table(recoveryRows)}\n${recoveryNote}\n`;
}
