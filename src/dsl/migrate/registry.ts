// Registered migrations between versions of a system, and the shortest chain of them from one version to another.
import type { SystemDefinition } from '../schema.js';

/** Turns a document of version `from` into one of version `to`. It may return a new object or change its argument (a copy). */
export type MigrationTransform = (system: SystemDefinition) => SystemDefinition;

/** A registered migration, as listed in errors and reports. */
export interface MigrationEdge {
  readonly from: string;
  readonly to: string;
  readonly description?: string;
}

export interface RegisteredMigration extends MigrationEdge {
  readonly transform: MigrationTransform;
}

export interface RegisterMigrationOptions {
  /** Shown in the report next to the step. */
  description?: string;
}

/** Migrations between versions of a system. */
export interface MigrationRegistry {
  /**
   * Registers the migration from `from` to `to`; returns a function that unregisters it.
   * @throws TypeError when a version is not a non-empty string, `from` equals `to`, `transform` is not a function,
   * or a migration from `from` to `to` is already registered.
   */
  register(from: string, to: string, transform: MigrationTransform, options?: RegisterMigrationOptions): () => void;
  /** The registered migrations, in registration order. */
  edges(): MigrationEdge[];
  /**
   * The fewest migrations that lead from `from` to `to` (breadth-first; among equally short chains, the one
   * whose steps were registered first). `[]` when `from === to`; undefined when there is no chain.
   */
  path(from: string, to: string): RegisteredMigration[] | undefined;
}

/** A registry of its own, for tests and for tools that must not share migrations. */
export function createMigrationRegistry(): MigrationRegistry {
  const migrations: RegisteredMigration[] = [];
  return {
    register(from, to, transform, options = {}) {
      if (typeof from !== 'string' || from === '' || typeof to !== 'string' || to === '') {
        throw new TypeError(`registerMigration(from, to, transform) expects two non-empty version strings, got ${JSON.stringify(from)} and ${JSON.stringify(to)}`);
      }
      if (from === to) throw new TypeError(`registerMigration("${from}", "${to}", …): a migration must change the version`);
      if (typeof transform !== 'function') throw new TypeError(`registerMigration("${from}", "${to}", transform) expects a function, got ${typeof transform}`);
      if (migrations.some((m) => m.from === from && m.to === to)) {
        throw new TypeError(`A migration from "${from}" to "${to}" is already registered; unregister it first (register returns the function that does)`);
      }
      const migration: RegisteredMigration = options.description === undefined ? { from, to, transform } : { from, to, transform, description: options.description };
      migrations.push(migration);
      return () => {
        const at = migrations.indexOf(migration);
        if (at >= 0) migrations.splice(at, 1);
      };
    },
    edges: () => migrations.map(({ from, to, description }) => (description === undefined ? { from, to } : { from, to, description })),
    path: (from, to) => shortestPath(migrations, from, to),
  };
}

function shortestPath(migrations: readonly RegisteredMigration[], from: string, to: string): RegisteredMigration[] | undefined {
  if (from === to) return [];
  const reachedBy = new Map<string, RegisteredMigration | undefined>([[from, undefined]]);
  const queue = [from];
  for (let version = queue.shift(); version !== undefined; version = queue.shift()) {
    for (const migration of migrations) {
      if (migration.from !== version || reachedBy.has(migration.to)) continue;
      reachedBy.set(migration.to, migration);
      if (migration.to === to) return chainTo(reachedBy, to);
      queue.push(migration.to);
    }
  }
  return undefined;
}

function chainTo(reachedBy: ReadonlyMap<string, RegisteredMigration | undefined>, to: string): RegisteredMigration[] {
  const chain: RegisteredMigration[] = [];
  for (let step = reachedBy.get(to); step; step = reachedBy.get(step.from)) chain.unshift(step);
  return chain;
}

/** The registry `registerMigration` adds to and `migrateSystem` uses unless given another. */
export const defaultMigrationRegistry: MigrationRegistry = createMigrationRegistry();

/** Registers a migration on the default registry; returns a function that unregisters it. */
export function registerMigration(from: string, to: string, transform: MigrationTransform, options?: RegisterMigrationOptions): () => void {
  return defaultMigrationRegistry.register(from, to, transform, options);
}
