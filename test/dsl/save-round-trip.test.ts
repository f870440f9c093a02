import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { FlowStepType, convertFlowToDsl, type RuntimeFlow } from '../../src/dsl/programmatic-flow.js';
import type { SystemDefinition } from '../../src/dsl/schema.js';
import { saveSystemToDsl } from '../../src/dsl/save/index.js';
import { richSystem } from '../fixtures/save/rich-system.js';
import { createWorkDirectory, importDefault } from '../fixtures/save/saved-module.js';
import { createClock } from '../support/time.js';

const work = createWorkDirectory('runtime-core-save-round-trip-');
afterAll(() => work.remove());

// Importing a saved file runs tsx's loader over the built package: slower than the default test timeout.
describe('loading what was saved', { timeout: 30_000 }, () => {
  it('gives back an equal document: every step type, a statechart and a flat process', async () => {
    const file = join(work.dir, 'rich.dsl.ts');
    const result = await saveSystemToDsl(richSystem, file);
    expect(result).toMatchObject({ created: true, changed: true, needsTrust: false });
    const loaded = await importDefault(file);
    expect(loaded).toEqual(richSystem);
    // Saving the loaded document again gives the same bytes.
    const again = join(work.dir, 'rich-again.dsl.ts');
    await saveSystemToDsl(loaded as SystemDefinition, again);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
    expect((await saveSystemToDsl(loaded as SystemDefinition, file)).changed).toBe(false);
  });

  it('gives back an equal document from JSON', async () => {
    const file = join(work.dir, 'rich.json');
    await saveSystemToDsl(richSystem, file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(richSystem);
  });

  it('keeps what function conditions do: a programmatic flow saved and loaded runs as before', async () => {
    const programmatic: RuntimeFlow = {
      id: 'f',
      steps: [
        { id: 'a', type: FlowStepType.TASK, taskId: 'double', input: { n: 21 } },
        {
          id: 'c',
          type: FlowStepType.CONDITION,
          condition: function (input, previous) {
            return (input as { n: number }).n > 1 && previous.a !== undefined;
          },
          thenSteps: [{ id: 't', type: FlowStepType.TASK, taskId: 'double' }],
          elseSteps: [{ id: 'e', type: FlowStepType.WAIT, waitTime: 0 }],
        },
      ],
    };
    const { id: _id, ...flow } = convertFlowToDsl(programmatic);
    const system: SystemDefinition = { id: 's', tasks: { double: {} }, flows: { f: flow } };
    const file = join(work.dir, 'functions.dsl.ts');
    expect((await saveSystemToDsl(system, file)).needsTrust).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('// This document holds functions: load it with loadSystemFromDsl(path, { trusted: true }).\nexport default');
    expect(text).toMatch(/if: \(input, previous\) => \{/);
    const loaded = (await importDefault(file)) as SystemDefinition;

    const run = async (doc: SystemDefinition, input: unknown) => {
      const runtime = new ReactiveSystemRuntime(doc, { clock: createClock() });
      runtime.registerTaskImplementation('double', async (value: { n: number }) => ({ n: value.n * 2 }));
      const result = await runtime.executeFlow('f', input);
      return { success: result.success, output: result.output, steps: Object.keys(result.steps) };
    };
    for (const input of [{ n: 2 }, { n: 0 }]) expect(await run(loaded, input)).toEqual(await run(system, input));
    expect(await run(loaded, { n: 2 })).toEqual({ success: true, output: { n: 4 }, steps: ['a', 'c', 't'] });
  });

  it('a trusted file with typed, commented functions is left as it is when saved back after importing it', async () => {
    const file = join(work.dir, 'trusted.dsl.ts');
    const source = `import { defineSystem } from 'runtime-core';

// This document holds functions: load it with loadSystemFromDsl(path, { trusted: true }).
export default defineSystem({
  id: 'trusted',
  tasks: { notify: {} },
  flows: {
    big: {
      steps: [
        {
          id: 'check',
          type: 'condition',
          // Orders above the limit, or flagged ones.
          if: (input: { total: number; flags?: string[] }, previous: Record<string, unknown>): boolean => {
            const limit = 1000000;
            return (input.total > limit && previous['check'] === undefined) || (input.flags ?? []).includes('vip');
          },
          then: [{ id: 'notify', type: 'task', task: 'notify' }],
        },
      ],
      output: function (scope) {
        return { total: scope.input, label: 'big ' + 'order' };
      },
    },
  },
});
`;
    writeFileSync(file, source);
    const loaded = (await importDefault(file)) as SystemDefinition;
    expect(typeof (loaded.flows?.big?.steps[0] as { if: unknown }).if).toBe('function');
    const result = await saveSystemToDsl(loaded, file);
    expect(result).toMatchObject({ changed: false, changes: [], needsTrust: true });
    expect(readFileSync(file, 'utf8')).toBe(source);
  });
});
