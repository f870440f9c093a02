// A flow's `name` (issue 15): kept through convertFlowToDsl and convertDslToFlow, part of the DSL flow schema.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FlowStepType,
  ReactiveSystemRuntime,
  convertDslToFlow,
  convertFlowToDsl,
  defineSystem,
  loadDslFile,
  saveSystemToDsl,
  validateSystem,
  type RuntimeFlow,
} from '../../src/index.js';
import { createClock } from '../support/time.js';

const flow: RuntimeFlow = {
  id: 'greet',
  name: 'Greet a customer',
  description: 'Says hello',
  steps: [{ id: 'hello', type: FlowStepType.TASK, taskId: 'hello' }],
};

const dir = mkdtempSync(join(tmpdir(), 'runtime-core-flow-name-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a flow name', () => {
  it('is kept by convertFlowToDsl and by convertDslToFlow', () => {
    const dsl = convertFlowToDsl(flow);
    expect(dsl).toEqual({ id: 'greet', name: 'Greet a customer', description: 'Says hello', steps: [{ id: 'hello', type: 'task', task: 'hello' }] });
    expect(convertDslToFlow(dsl)).toEqual(flow);
  });

  it('is a field of the DSL flow schema: a string validates, anything else is reported at its path', () => {
    const { id: _id, ...definition } = convertFlowToDsl(flow);
    expect(validateSystem({ id: 's', tasks: { hello: {} }, flows: { greet: definition } }).valid).toBe(true);
    const bad = validateSystem({ id: 's', tasks: { hello: {} }, flows: { greet: { ...definition, name: 5 } } });
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((issue) => issue.path)).toEqual(['flows.greet.name']);
  });

  it('is saved and loaded with the document, right after the flow key', async () => {
    const { id: _id, ...definition } = convertFlowToDsl(flow);
    const system = defineSystem({ id: 's', tasks: { hello: {} }, flows: { greet: definition } });
    const file = join(dir, 'named.json');
    await saveSystemToDsl(system, file);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).flows.greet)).toEqual(['name', 'description', 'steps']);
    const { system: loaded } = await loadDslFile(file);
    expect(loaded.flows?.greet?.name).toBe('Greet a customer');
  });

  it('does not stop a flow from registering and running', async () => {
    const runtime = new ReactiveSystemRuntime(defineSystem({ id: 's', tasks: { hello: {} } }), { clock: createClock() });
    runtime.registerTaskImplementation('hello', async () => ({ said: 'hello' }));
    runtime.registerFlow(flow);
    const result = await runtime.executeFlow('greet', {});
    expect(result).toMatchObject({ success: true, output: { said: 'hello' } });
    runtime.stop();
  });
});
