import { describe, expect, it } from 'vitest';
import {
  createMigrationRegistry,
  defaultMigrationRegistry,
  migrateSystem,
  MigrationError,
  registerMigration,
  type MigrationRegistry,
} from '../../src/dsl/migrate/index.js';
import { RuntimeCoreError, type SystemDefinition } from '../../src/index.js';

const base = (): SystemDefinition => ({ id: 'orders', version: '1.0.0', tasks: { charge: { description: 'Charge' } } });

/** 1.0.0 → 1.1.0 adds a timeout, 1.1.0 → 2.0.0 renames the task. */
function registryAtoC(): MigrationRegistry {
  const registry = createMigrationRegistry();
  registry.register('1.0.0', '1.1.0', (doc) => ({ ...doc, tasks: { charge: { ...doc.tasks?.charge, timeout: '10s' } } }), { description: 'charges time out' });
  registry.register('1.1.0', '2.0.0', (doc) => ({ ...doc, tasks: { chargeCard: doc.tasks?.charge ?? {} } }));
  return registry;
}

function thrown(run: () => unknown): MigrationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toBeInstanceOf(RuntimeCoreError);
    return error as MigrationError;
  }
  throw new Error('expected a MigrationError');
}

describe('version migrations', () => {
  it('moves a document along A → B → C, in order, and reports each step', () => {
    const input = base();
    const { system, report } = migrateSystem(input, '2.0.0', { registry: registryAtoC() });
    expect(system).toEqual({ id: 'orders', version: '2.0.0', tasks: { chargeCard: { description: 'Charge', timeout: '10s' } } });
    expect(report).toMatchInlineSnapshot(`
      {
        "changes": [
          {
            "kind": "version",
            "message": "Migration 1.0.0 → 1.1.0: charges time out",
            "path": "version",
          },
          {
            "kind": "version",
            "message": "Migration 1.1.0 → 2.0.0",
            "path": "version",
          },
        ],
        "fromShape": "v1",
        "fromVersion": "1.0.0",
        "inexact": [],
        "toVersion": "2.0.0",
      }
    `);
    expect(input).toEqual(base());
  });

  it('gives each transform a copy, so a transform that changes its argument leaves the input alone', () => {
    const registry = createMigrationRegistry();
    registry.register('1.0.0', '1.1.0', (doc) => {
      (doc.tasks as Record<string, unknown>).refund = {};
      return doc;
    });
    const input = base();
    expect(Object.keys(migrateSystem(input, '1.1.0', { registry }).system.tasks ?? {})).toEqual(['charge', 'refund']);
    expect(input).toEqual(base());
  });

  it('takes the shortest path, breadth first; among equally short ones, the one registered first', () => {
    const registry = createMigrationRegistry();
    const noop = (doc: SystemDefinition) => doc;
    for (const [from, to] of [['1', '2'], ['2', '3'], ['3', '4'], ['1', '3'], ['2', '4'], ['1', '5'], ['5', '4']] as const) registry.register(from, to, noop);
    const steps = (from: string, to: string) => registry.path(from, to)?.map((m) => `${m.from}→${m.to}`);
    expect(steps('1', '4')).toEqual(['1→2', '2→4']);
    expect(steps('1', '3')).toEqual(['1→3']);
    expect(steps('2', '2')).toEqual([]);
    expect(steps('4', '1')).toBeUndefined();
    const { report } = migrateSystem({ id: 's', version: '1' }, '4', { registry });
    expect(report.changes.map((c) => c.message)).toEqual(['Migration 1 → 2', 'Migration 2 → 4']);
  });

  it('without a path: NO_MIGRATION_PATH naming from, to and the registered migrations', () => {
    const error = thrown(() => migrateSystem(base(), '3.0.0', { registry: registryAtoC() }));
    expect(error.code).toBe('NO_MIGRATION_PATH');
    expect(error.message).toMatchInlineSnapshot(`"No migration path from version "1.0.0" to "3.0.0"; registered migrations: 1.0.0 → 1.1.0, 1.1.0 → 2.0.0"`);
    expect({ from: error.from, to: error.to, edges: error.edges }).toMatchInlineSnapshot(`
      {
        "edges": [
          {
            "description": "charges time out",
            "from": "1.0.0",
            "to": "1.1.0",
          },
          {
            "from": "1.1.0",
            "to": "2.0.0",
          },
        ],
        "from": "1.0.0",
        "to": "3.0.0",
      }
    `);
    // With nothing registered from the document's version the version alone is raised, unless strict (below).
    const none = thrown(() => migrateSystem({ id: 's' }, '2.0.0', { registry: createMigrationRegistry(), strict: true }));
    expect(none.message).toBe('No migration path from version "1.0.0" to "2.0.0"; registered migrations: none');
  });

  it("raises the version alone when no migration is registered from the document's version, as the original migrateSystem(system, '2.0.0') does", () => {
    const document = { id: 's', version: '1.0.0', tasks: { charge: {} } };
    const { system, report } = migrateSystem(document, '2.0.0', { registry: createMigrationRegistry() });
    expect(system).toEqual({ id: 's', version: '2.0.0', tasks: { charge: {} } });
    expect(document.version).toBe('1.0.0');
    expect(report).toMatchObject({ fromVersion: '1.0.0', toVersion: '2.0.0', changes: [{ path: 'version', kind: 'version', message: 'Version 1.0.0 → 2.0.0: version-only change (no migration is registered from 1.0.0)' }] });
    // The default registry too, as the README's line uses it.
    expect(migrateSystem(document, '2.0.0').system.version).toBe('2.0.0');
  });

  it('a transform that throws: MIGRATION_FAILED naming the step, with the cause and the document before it', () => {
    const registry = registryAtoC();
    const cause = new Error('tasks.charge is gone');
    registry.register('2.0.0', '3.0.0', () => {
      throw cause;
    });
    const error = thrown(() => migrateSystem(base(), '3.0.0', { registry }));
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toBe('Migration 2.0.0 → 3.0.0 failed: tasks.charge is gone');
    expect(error.step).toBe('2.0.0 → 3.0.0');
    expect(error.cause).toBe(cause);
    expect(error.partial?.system).toMatchObject({ version: '2.0.0', tasks: { chargeCard: {} } });
    expect(error.partial?.report.changes.map((c) => c.message)).toEqual(['Migration 1.0.0 → 1.1.0: charges time out', 'Migration 1.1.0 → 2.0.0']);
  });

  it('a transform that returns no document, or an invalid one: MIGRATION_FAILED', () => {
    const registry = createMigrationRegistry();
    registry.register('1.0.0', '1.1.0', () => undefined as unknown as SystemDefinition);
    registry.register('1.0.0', '1.2.0', (doc) => ({ ...doc, flows: { f: { steps: [{ id: 'a', type: 'task', task: 'nope' }] } } }));
    expect(thrown(() => migrateSystem(base(), '1.1.0', { registry })).message).toBe('Migration 1.0.0 → 1.1.0 returned undefined, not a system document');
    const invalid = thrown(() => migrateSystem(base(), '1.2.0', { registry }));
    expect(invalid.message).toMatchInlineSnapshot(`
      "The document after 1.0.0 → 1.2.0 is invalid (1 problem):
        - flows.f.steps[0].task: Unknown task "nope"; known tasks: charge [unknown_task]"
    `);
    expect(invalid.issues.map((i) => i.code)).toEqual(['unknown_task']);
  });

  it('to its own version: nothing changes', () => {
    const { system, report } = migrateSystem(base(), '1.0.0', { registry: registryAtoC() });
    expect(system).toEqual(base());
    expect(report).toEqual({ fromShape: 'v1', fromVersion: '1.0.0', toVersion: '1.0.0', changes: [], inexact: [] });
    expect(migrateSystem(base(), undefined, { registry: registryAtoC() }).report.toVersion).toBe('1.0.0');
  });

  it('converts an older document first, then migrates its version, in one report', () => {
    const registry = createMigrationRegistry();
    registry.register('0.9.0', '1.0.0', (doc) => ({ ...doc, description: 'Now on DSL v1' }));
    const { system, report } = migrateSystem({ id: 'orders', version: '0.9.0', tasks: { charge: { type: 'operation', label: 'Charge' } } }, '1.0.0', { registry });
    expect(system).toMatchInlineSnapshot(`
      {
        "description": "Now on DSL v1",
        "id": "orders",
        "metadata": {
          "legacy": {
            "tasks.charge.type": "operation",
          },
        },
        "tasks": {
          "charge": {
            "description": "Charge",
          },
        },
        "version": "1.0.0",
      }
    `);
    expect(report.fromShape).toBe('legacy');
    expect(report.changes.map((c) => c.kind)).toEqual(['renamed', 'preserved', 'version']);
  });

  it('a registry refuses a second migration of the same edge, one that keeps the version, and a transform that is not a function', () => {
    const registry = createMigrationRegistry();
    const unregister = registry.register('1', '2', (doc) => doc);
    expect(() => registry.register('1', '2', (doc) => doc)).toThrow('A migration from "1" to "2" is already registered; unregister it first (register returns the function that does)');
    expect(() => registry.register('1', '1', (doc) => doc)).toThrow('a migration must change the version');
    expect(() => registry.register('1', '3', 'x' as never)).toThrow('expects a function, got string');
    expect(() => registry.register('', '3', (doc) => doc)).toThrow(TypeError);
    unregister();
    expect(registry.edges()).toEqual([]);
    registry.register('1', '2', (doc) => doc, { description: 'again' });
    expect(registry.edges()).toEqual([{ from: '1', to: '2', description: 'again' }]);
  });

  it('registerMigration adds to the default registry, which migrateSystem uses by default', () => {
    const unregister = registerMigration('test-a', 'test-b', (doc) => ({ ...doc, description: 'from the default registry' }));
    try {
      expect(defaultMigrationRegistry.edges()).toContainEqual({ from: 'test-a', to: 'test-b' });
      expect(migrateSystem({ id: 's', version: 'test-a' }, 'test-b').system).toEqual({ id: 's', version: 'test-b', description: 'from the default registry' });
    } finally {
      unregister();
    }
    expect(defaultMigrationRegistry.edges()).not.toContainEqual({ from: 'test-a', to: 'test-b' });
  });
});
