import { describe, expect, it } from 'vitest';
import { PersistenceError, UsageError } from '../../src/errors.js';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import { decodeListCursor, encodeListCursor } from '../../src/persistence/store-rules.js';
import { describeSnapshotStore, makeRecord } from './store-contract.js';

/** A MemoryStore whose rows a test can damage, as a bad disk or a hand edit would. */
class DamageableMemoryStore extends MemoryStore {
  damage(instanceId: string): void {
    const row = this.rows.get(instanceId);
    if (row === undefined) throw new Error(`no row ${instanceId}`);
    row.snapshot = '{"status": "active", "value": ';
  }
}

describeSnapshotStore('MemoryStore', async () => {
  const store = new DamageableMemoryStore();
  return {
    store,
    corrupt: async (instanceId) => store.damage(instanceId),
    cleanup: () => store.close(),
  };
});

describe('MemoryStore specifics', () => {
  it('stores JSON, as a database does: undefined fields are dropped, dates become strings', async () => {
    const store = new MemoryStore();
    const at = new Date(0);
    await store.save({ record: makeRecord('i-1', { snapshot: { at, gone: undefined, kept: 1 } }), expectedVersion: 0, history: [] });
    expect((await store.load('i-1'))?.snapshot).toEqual({ at: at.toISOString(), kept: 1 });
  });

  it('rejects a snapshot that is not JSON-serialisable, storing nothing', async () => {
    const store = new MemoryStore();
    const saving = store.save({ record: makeRecord('i-1', { snapshot: { n: 1n } }), expectedVersion: 0, history: [] });
    await expect(saving).rejects.toThrow(/Snapshot of instance "i-1" is not JSON-serialisable/);
    await expect(saving).rejects.toBeInstanceOf(PersistenceError);
    await expect(saving).rejects.toMatchObject({ code: 'STORE_CORRUPT', instanceId: 'i-1' });
    expect(await store.load('i-1')).toBeUndefined();
  });

  it('cursors are opaque base64url and a foreign one is refused', async () => {
    const cursor = encodeListCursor({ updatedAt: 5, instanceId: 'a/b+c' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeListCursor(cursor)).toEqual({ updatedAt: 5, instanceId: 'a/b+c' });
    const listing = new MemoryStore().list({ cursor: 'not-a-cursor' });
    await expect(listing).rejects.toThrow(UsageError);
    await expect(listing).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
