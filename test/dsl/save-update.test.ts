import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowStep, SystemDefinition, TaskDefinition } from '../../src/dsl/schema.js';
import { Project } from 'ts-morph';
import { findDocumentLiteral } from '../../src/dsl/save/default-export.js';
import { syntaxErrors } from '../../src/dsl/save/function-source.js';
import { DslSaveError, saveSystemToDsl } from '../../src/dsl/save/index.js';
import { readLiteral } from '../../src/dsl/save/literal-reader.js';
import { sameValue } from '../../src/dsl/save/same-value.js';
import { richSystem } from '../fixtures/save/rich-system.js';

const work = mkdtempSync(join(tmpdir(), 'runtime-core-save-update-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;

/** Writes `source` to a new file, saves `system` over it, and returns the new text and the result. */
async function update(source: string, system: SystemDefinition) {
  const file = join(work, `${count++}.dsl.ts`);
  writeFileSync(file, source);
  const result = await saveSystemToDsl(system, file);
  return { text: readFileSync(file, 'utf8'), result, file };
}

const HAND_WRITTEN = `// Orders: hand-written, please keep the comments.
import { defineSystem } from 'runtime-core';

/** The order system. */
export default defineSystem({
  id: 'orders',
  version: '1.0.0',

  // ── events ──
  events: {
    'order.placed': { payload: { type: 'object' } }, // from the shop
  },

  tasks: {
    /* Charging goes through the PSP. */
    chargeCard: {
      description: 'Charge the card',
      retry: {
        maxAttempts: 3, // the PSP asks for at most 3
        initialDelay: '1s',
      },
    },
    // Shipping is manual for now.
    ship: { description: 'Ship it' },
  },

  flows: {
    checkout: {
      trigger: 'order.placed',
      steps: [
        // first, the money
        { id: 'charge', type: 'task', task: 'chargeCard' },
        { id: 'ship', type: 'task', task: 'ship' }, // then the parcel
      ],
    },
  },
});
`;

const handWritten = (): SystemDefinition & { tasks: Record<string, TaskDefinition> } => ({
  id: 'orders',
  version: '1.0.0',
  events: { 'order.placed': { payload: { type: 'object' } } },
  tasks: {
    chargeCard: { description: 'Charge the card', retry: { maxAttempts: 3, initialDelay: '1s' } },
    ship: { description: 'Ship it' },
  },
  flows: {
    checkout: {
      trigger: 'order.placed',
      steps: [
        { id: 'charge', type: 'task', task: 'chargeCard' },
        { id: 'ship', type: 'task', task: 'ship' },
      ],
    },
  },
});
const stepsOf = (system: SystemDefinition): FlowStep[] => (system.flows?.checkout as { steps: FlowStep[] }).steps;

// The first update loads the TypeScript parser.
describe('saving over a hand-written file', { timeout: 20_000 }, () => {
  it('changes one number and nothing else', async () => {
    const system = handWritten();
    system.tasks.chargeCard = { ...system.tasks.chargeCard, retry: { maxAttempts: 5, initialDelay: '1s' } };
    const { text, result } = await update(HAND_WRITTEN, system);
    expect(text).toBe(HAND_WRITTEN.replace('maxAttempts: 3,', 'maxAttempts: 5,'));
    expect(result).toMatchObject({ created: false, changed: true, changes: [{ path: 'tasks.chargeCard.retry.maxAttempts', kind: 'changed' }] });
  });

  it('writes nothing when the document is the one the file holds', async () => {
    const file = join(work, 'same.dsl.ts');
    writeFileSync(file, HAND_WRITTEN);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, past, past);
    const result = await saveSystemToDsl(handWritten(), file);
    expect(result).toMatchObject({ changed: false, changes: [] });
    expect(readFileSync(file, 'utf8')).toBe(HAND_WRITTEN);
    expect(statSync(file).mtime).toEqual(past);
  });

  it('adds properties where the canonical order puts them, in the style of their neighbours', async () => {
    const system = handWritten();
    system.tasks.chargeCard = { ...system.tasks.chargeCard, timeout: '10s' };
    system.tasks.refund = { description: 'Refund' };
    system.flows = { checkout: { description: 'Pay and ship', ...system.flows?.checkout, steps: stepsOf(system) } };
    const { text, result } = await update(HAND_WRITTEN, system);
    expect(text).toBe(
      HAND_WRITTEN.replace("        initialDelay: '1s',\n      },\n", "        initialDelay: '1s',\n      },\n      timeout: '10s',\n")
        .replace("    ship: { description: 'Ship it' },\n", "    ship: { description: 'Ship it' },\n    refund: { description: 'Refund' },\n")
        .replace("    checkout: {\n", "    checkout: {\n      description: 'Pay and ship',\n"),
    );
    expect(result.changes).toEqual([
      { path: 'tasks.chargeCard.timeout', kind: 'added' },
      { path: 'tasks.refund', kind: 'added' },
      { path: 'flows.checkout.description', kind: 'added' },
    ]);
  });

  it('removes properties and array items with their comments', async () => {
    const system = handWritten();
    delete system.tasks.ship;
    stepsOf(system).pop();
    delete system.version;
    const { text, result } = await update(HAND_WRITTEN, system);
    expect(text).toBe(
      HAND_WRITTEN.replace("  version: '1.0.0',\n", '')
        .replace("    // Shipping is manual for now.\n    ship: { description: 'Ship it' },\n", '')
        .replace("        { id: 'ship', type: 'task', task: 'ship' }, // then the parcel\n", ''),
    );
    expect(result.changes).toEqual([
      { path: 'version', kind: 'removed' },
      { path: 'tasks.ship', kind: 'removed' },
      { path: 'flows.checkout.steps[1]', kind: 'removed' },
    ]);
  });

  it('matches flow steps by id: inserts a step, and edits another one in place', async () => {
    const system = handWritten();
    stepsOf(system).splice(1, 0, { id: 'receipt', type: 'wait', duration: '1s' });
    (stepsOf(system)[2] as FlowStep & { timeout?: string }).timeout = '1m';
    const { text } = await update(HAND_WRITTEN, system);
    expect(text).toBe(
      HAND_WRITTEN.replace(
        "        { id: 'ship', type: 'task', task: 'ship' }, // then the parcel\n",
        "        { id: 'receipt', type: 'wait', duration: '1s' },\n        { id: 'ship', type: 'task', task: 'ship', timeout: '1m' }, // then the parcel\n",
      ),
    );
  });

  it('replaces a value that changed kind, printed at its place', async () => {
    const system = handWritten();
    system.flows = {
      checkout: { trigger: ['order.placed', 'order.placed.again'], steps: stepsOf(system) },
    };
    system.events = { ...system.events, 'order.placed.again': {} };
    const { text } = await update(HAND_WRITTEN, system);
    expect(text).toBe(
      HAND_WRITTEN.replace("    'order.placed': { payload: { type: 'object' } }, // from the shop\n", "    'order.placed': { payload: { type: 'object' } }, // from the shop\n    'order.placed.again': {},\n").replace(
        "      trigger: 'order.placed',\n",
        "      trigger: ['order.placed', 'order.placed.again'],\n",
      ),
    );
  });
});

describe('the shapes a file can have', { timeout: 20_000 }, () => {
  it('a const exported by name, `as const satisfies`, 4-space indentation, double quotes and CRLF line breaks', async () => {
    const source = [
      "import type { SystemDefinition } from 'runtime-core';",
      '',
      'const system = {',
      '    id: "orders",',
      '    tasks: {',
      '        a: { description: "A" },',
      '    },',
      '} as const satisfies SystemDefinition;',
      '',
      'export default system;',
      '',
    ].join('\r\n');
    const { text } = await update(source, { id: 'orders', tasks: { a: { description: 'A' }, b: { retry: { maxAttempts: 2, backoff: 'fixed', initialDelay: '5s', maxDelay: '1m' }, description: 'B' } } });
    expect(text).toBe(
      source.replace(
        '        a: { description: "A" },\r\n',
        "        a: { description: \"A\" },\r\n        b: {\r\n            description: 'B',\r\n            retry: { maxAttempts: 2, initialDelay: '5s', backoff: 'fixed', maxDelay: '1m' },\r\n        },\r\n",
      ),
    );
  });

  it('items that share a line, and a single-line object that gains a key', async () => {
    const source = `export default {
  id: 'p',
  events: { go: {}, stop: {} },
  processes: {
    main: {
      initial: 'pending',
      states: {
        pending: { on: { go: 'ready' } },
        ready: {}, failed: {},
        done: { type: 'final' },
      },
    },
  },
};
`;
    const system: SystemDefinition = {
      id: 'p',
      events: { go: {}, stop: {} },
      processes: {
        main: {
          initial: 'pending',
          states: { pending: { on: { go: 'ready', stop: 'done' } }, ready: {}, archived: {}, done: { type: 'final' } },
        },
      },
    };
    const { text } = await update(source, system);
    expect(text).toBe(
      source.replace("        pending: { on: { go: 'ready' } },", "        pending: { on: { go: 'ready', stop: 'done' } },").replace('        ready: {}, failed: {},', '        ready: {}, archived: {},'),
    );
  });

  it('same-file constants and joined strings are read: unchanged, they stay; changed, the use site gets the literal', async () => {
    const source = `import { defineSystem } from 'runtime-core';

const RETRY = { maxAttempts: 3 };

export default defineSystem({
  id: 'c',
  tasks: {
    a: { description: 'Charge ' + 'the card', retry: RETRY },
    b: { retry: RETRY },
  },
});
`;
    const same = await update(source, { id: 'c', tasks: { a: { description: 'Charge the card', retry: { maxAttempts: 3 } }, b: { retry: { maxAttempts: 3 } } } });
    expect(same.result.changed).toBe(false);
    const changed = await update(source, { id: 'c', tasks: { a: { description: 'Charge the card', retry: { maxAttempts: 3 } }, b: { retry: { maxAttempts: 4 } } } });
    expect(changed.text).toBe(source.replace('    b: { retry: RETRY },', '    b: { retry: { maxAttempts: 4 } },'));
  });

  it('a value the saver cannot read (an imported name) is written as a literal', async () => {
    const source = `import { defineSystem } from 'runtime-core';
import { TIMEOUT } from './constants.js';

export default defineSystem({ id: 'i', tasks: { a: { timeout: TIMEOUT } } });
`;
    const { text, result } = await update(source, { id: 'i', tasks: { a: { timeout: '5s' } } });
    expect(text).toBe(source.replace('timeout: TIMEOUT', "timeout: '5s'"));
    expect(result.changes).toEqual([{ path: 'tasks.a.timeout', kind: 'changed' }]);
  });

  it('a root object with a spread is not updated', async () => {
    const source = "import { base } from './base.js';\n\nexport default { ...base, id: 'x' };\n";
    const error = await update(source, { id: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DslSaveError);
    expect((error as Error).message).toMatch(/the exported object uses spreads, computed keys or repeated keys/);
  });
});

describe('functions in an existing file', { timeout: 20_000 }, () => {
  const source = `import { defineSystem } from 'runtime-core';

/** Functions: conditions in code. */
export default defineSystem({
  id: 'fns',
  tasks: { t: {} },
  flows: {
    f: {
      steps: [
        {
          id: 'c',
          type: 'condition',
          // big orders only
          if: (input) => input.total > 100,
          then: [],
        },
      ],
    },
  },
});
`;
  const withCondition = (condition: unknown): SystemDefinition =>
    ({ id: 'fns', tasks: { t: {} }, flows: { f: { steps: [{ id: 'c', type: 'condition', if: condition, then: [] }] } } }) as SystemDefinition;
  const trusted = '// This document holds functions: load it with loadSystemFromDsl(path, { trusted: true }).\n';

  it('an unchanged function is left as written; the file gains the trusted-loading comment', async () => {
    const { text, result } = await update(source, withCondition((input: { total: number }) => input.total > 100));
    expect(text).toBe(source.replace('/** Functions', `${trusted}/** Functions`));
    expect(result).toMatchObject({ changes: [], needsTrust: true });
  });

  it('a changed function replaces only the old one', async () => {
    const { text } = await update(source, withCondition((input: { total: number }) => input.total > 200));
    expect(text).toBe(source.replace('/** Functions', `${trusted}/** Functions`).replace('input.total > 100', 'input.total > 200'));
  });

  it('a function replaced by an expression string drops the comment', async () => {
    const marked = source.replace('/** Functions', `${trusted}/** Functions`);
    const { text, result } = await update(marked, withCondition('input.total > 100'));
    expect(text).toBe(source.replace('(input) => input.total > 100', "'input.total > 100'"));
    expect(result.needsTrust).toBe(false);
  });
});

describe('any series of edits', { timeout: 60_000 }, () => {
  // A seeded generator, so that a failure can be replayed.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
  const containers = (value: Json, out: Json[] = []): Json[] => {
    if (value !== null && typeof value === 'object') {
      out.push(value);
      for (const child of Object.values(value)) containers(child, out);
    }
    return out;
  };
  const values = (next: () => number, n: number): Json[] => [
    n,
    `s${n}`,
    "it's \"quoted\"\nand long enough to push a line past the width of one hundred columns, or so it seems",
    null,
    true,
    { a: n, 'b-c': [1, 2] },
    [`x${n}`, { y: n }],
    [],
    {},
    Math.round(next() * 1e6) / 1e3 - 500,
  ];

  function mutate(doc: Json, next: () => number, n: number): void {
    const all = containers(doc);
    const target = all[Math.floor(next() * all.length)] as Json[] | { [key: string]: Json };
    const pool = values(next, n);
    const value = pool[Math.floor(next() * pool.length)] as Json;
    const choice = next();
    if (Array.isArray(target)) {
      const index = Math.floor(next() * (target.length + 1));
      if (choice < 0.45 || target.length === 0) target.splice(index, 0, value);
      else if (choice < 0.75) target.splice(Math.min(index, target.length - 1), 1);
      else target[Math.min(index, target.length - 1)] = value;
    } else {
      const keys = Object.keys(target);
      const key = keys[Math.floor(next() * keys.length)];
      if (choice < 0.45 || key === undefined) target[`k${n}`] = value;
      else if (choice < 0.75 && target !== doc) delete target[key];
      else if (key !== 'id') target[key] = value;
    }
  }

  const project = new Project({ useInMemoryFileSystem: true });
  function readBack(file: string): unknown {
    const source = project.createSourceFile('/read.ts', readFileSync(file, 'utf8'), { overwrite: true });
    expect(syntaxErrors(source.compilerNode)).toEqual([]);
    return readLiteral(findDocumentLiteral(source));
  }

  const small = structuredClone(handWritten()) as unknown as Json;
  const rich = structuredClone(richSystem) as unknown as Json;
  const layouts: [string, string, Json][] = [
    ['hand-written', HAND_WRITTEN, small],
    ['JSON, 4-space, no trailing commas', `export default ${JSON.stringify(rich, null, 4)};\n`, rich],
    ['one line', `export default defineSystem(${JSON.stringify(rich)});\n`, rich],
    ['saved', '', rich],
  ];

  it.each(layouts)('leave a %s file that reads back as the document saved, and saves again unchanged', async (_name, source, start) => {
    for (const seed of [1, 2]) {
      const next = random(seed);
      const file = join(work, `fuzz-${count++}.dsl.ts`);
      if (source) writeFileSync(file, source);
      else await saveSystemToDsl(start as unknown as SystemDefinition, file);
      const doc = structuredClone(start);
      for (let n = 0; n < 15; n++) {
        mutate(doc, next, n);
        const system = doc as unknown as SystemDefinition;
        await saveSystemToDsl(system, file, { validate: false });
        const read = readBack(file);
        if (!sameValue(read, JSON.parse(JSON.stringify(doc)))) {
          throw new Error(`seed ${seed}, edit ${n}: the file does not hold the document:\n${readFileSync(file, 'utf8')}\n${JSON.stringify(doc, null, 2)}`);
        }
        expect((await saveSystemToDsl(system, file, { validate: false })).changed).toBe(false);
      }
    }
  });
});
