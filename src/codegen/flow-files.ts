// A flow's part of the generated code: which tasks it needs, the module that gathers them, and its test.
import type { FlowStep, JsonSchema, SystemDefinition } from '../dsl/schema.js';
import { collectSteps } from '../dsl/validate-flow.js';
import { NOT_IMPLEMENTED } from './template-provider.js';
import { jsonLiteral, taskFileNames } from './task-files.js';
import type { CodeLanguage } from './types.js';

/**
 * The tasks a flow's steps name, nested steps, catch steps and sub-flows included, in document order,
 * without those the document gives a built-in implementation (http, transform, mock, emit): they need no code.
 */
export function flowTasks(flowId: string, system: SystemDefinition): string[] {
  const tasks = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const [, step] of collectSteps(system.flows?.[id]?.steps ?? [], '')) {
      if (step.type === 'flow') visit(step.flow);
      else if (step.type === 'task' && !system.tasks?.[step.task]?.implementation) tasks.add(step.task);
    }
  };
  visit(flowId);
  return [...tasks];
}

/** The flow's module file name and its test's. */
export function flowFileNames(flowId: string, language: CodeLanguage): { module: string; test: string; importPath: string } {
  const ext = language === 'typescript' ? 'ts' : 'js';
  return { module: `${flowId}.flow.${ext}`, test: `${flowId}.flow.test.${ext}`, importPath: `./${flowId}.flow.js` };
}

/** Whether a value survives JSON as it is (a trusted document's flow may hold functions, which do not). */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonData);
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every((v) => v === undefined || isJsonData(v));
  return false;
}

/**
 * The flow's module: every implementation it needs (`implementations`, also the default export, for
 * `registerTaskImplementations`), the flow as its document declares it (`flow`, for `registerFlow`), and
 * `register(runtime)`, which registers both. A flow that holds functions (a trusted `.dsl.ts`) can't be
 * written as data: its module registers only the implementations, and the flow comes from the document.
 */
export function flowModule(flowId: string, system: SystemDefinition, tasks: readonly string[], language: CodeLanguage): string {
  const ts = language === 'typescript';
  const entries = tasks.map((task) => ({ task, names: taskFileNames(task, language) }));
  const imports = entries.map(({ names }) => `import ${names.identifier} from '${names.importPath}';`);
  const record = entries.map(({ task, names }) => (names.identifier === task ? `  ${task},` : `  ${JSON.stringify(task)}: ${names.identifier},`));
  const definition = { id: flowId, ...system.flows?.[flowId] };
  const asData = isJsonData(definition);
  const flowType = 'FlowDefinition & { id: string }';
  const runtimeType = "Pick<ReactiveSystemRuntime, 'registerFlow' | 'registerTaskImplementations'>";
  const typeImports = ts ? `import type { ${asData ? 'FlowDefinition, ' : ''}ReactiveSystemRuntime } from 'runtime-core';\n` : '';
  const flowConstant = asData
    ? `
/** Flow "${flowId}" as the system document declares it: \`runtime.registerFlow(flow)\`. */
${ts ? '' : `/** @type {import('runtime-core').${flowType}} */\n`}export const flow${ts ? `: ${flowType}` : ''} = ${jsonLiteral(definition)};
`
    : `
// Flow "${flowId}" holds functions (a trusted document), so it is not written here as data: the runtime made
// from the document has it, or register it from there with runtime.registerFlow({ id: ${JSON.stringify(flowId)}, ...system.flows[${JSON.stringify(flowId)}] }).
`;
  return `// Flow "${flowId}" and the task implementations it needs, written by runtime-core: register(runtime) calls
// runtime.registerTaskImplementations(implementations)${asData ? ' and runtime.registerFlow(flow)' : ''}.
${typeImports}${imports.join('\n')}

/** The implementations, by task id: \`runtime.registerTaskImplementations(implementations)\`. */
export const implementations = {
${record.join('\n')}
};
${flowConstant}
/**
 * Registers ${asData ? `flow "${flowId}" and ` : ''}the implementations of its tasks on a runtime whose system declares those tasks.${ts ? '' : `\n * @param {${runtimeType.replace('ReactiveSystemRuntime', "import('runtime-core').ReactiveSystemRuntime")}} runtime\n * @returns {void}`}
 */
export function register(runtime${ts ? `: ${runtimeType}` : ''})${ts ? ': void' : ''} {
  runtime.registerTaskImplementations(implementations);${asData ? '\n  runtime.registerFlow(flow);' : ''}
}

export default implementations;
`;
}

/** Where the flow test's input comes from, and the code that makes it. */
function flowInput(flowId: string, system: SystemDefinition): { source: string; expression: string; usesSample: boolean } {
  const flow = system.flows?.[flowId];
  const triggers = flow?.trigger === undefined ? [] : Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger];
  const schemas: Array<{ schema: JsonSchema; source: string }> = [
    ...(flow?.input ? [{ schema: flow.input, source: "a sample of the flow's input schema" }] : []),
    ...triggers.flatMap((event) => {
      const payload = system.events?.[event]?.payload;
      return payload ? [{ schema: payload, source: `a sample of the payload of "${event}", the event that starts the flow` }] : [];
    }),
  ];
  // A schema that lists its properties makes a sample with every field the flow may read.
  const chosen = schemas.find((s) => typeof s.schema.properties === 'object') ?? schemas[0];
  if (chosen) return { source: chosen.source, expression: `sampleFromSchema(${jsonLiteral(chosen.schema)})`, usesSample: true };
  const first = (flow?.steps ?? []).find((step): step is Extract<FlowStep, { type: 'task' }> => step.type === 'task');
  const example = first && first.input === undefined ? system.tasks?.[first.task]?.examples?.[0] : undefined;
  if (example) return { source: `the first example of task "${first?.task}", which the first step is given as it is`, expression: jsonLiteral(example.input), usesSample: false };
  return { source: 'an empty object: the flow declares no input schema', expression: '{}', usesSample: false };
}

/** The system as the flow test needs it: data only, without processes (they would start instances of their own). */
function systemUnderTest(system: SystemDefinition): SystemDefinition {
  const { processes: _processes, boundedContexts: _contexts, ...rest } = system;
  return JSON.parse(JSON.stringify(rest)) as SystemDefinition;
}

/**
 * A vitest module that runs the flow on `runtime-core/testing`'s test runtime (a simulated clock: waits,
 * backoff and timeouts take no time) with the generated implementations, and expects it to succeed. With
 * `allowNotImplemented` (the template's skeletons) a failure is accepted only when it is a skeleton's
 * `NotImplemented`. Events are not sent: an event step waits until its timeout.
 */
export function flowTest(flowId: string, system: SystemDefinition, language: CodeLanguage, allowNotImplemented: boolean): string {
  const ts = language === 'typescript';
  const names = flowFileNames(flowId, language);
  const input = flowInput(flowId, system);
  const check = allowNotImplemented
    ? `    // The template's skeletons answer only their examples: a flow that reaches another input stops at the first one.
    if (!result.success) expect(result.error).toMatchObject({ name: ${JSON.stringify(NOT_IMPLEMENTED)} });`
    : `    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);`;
  return `// Runs flow "${flowId}" on the runtime with the generated implementations; written by runtime-core.
import { describe, expect, it } from 'vitest';
import { createTestRuntime${input.usesSample ? ', sampleFromSchema' : ''} } from 'runtime-core/testing';
${ts ? "import type { SystemDefinition } from 'runtime-core';\n" : ''}import { register } from '${names.importPath}';

const system${ts ? ': SystemDefinition' : ''} = ${jsonLiteral(systemUnderTest(system))};

// The input: ${input.source}.
const input = ${input.expression};

describe(${JSON.stringify(`flow ${flowId}`)}, () => {
  it('runs on the runtime with the generated implementations', async () => {
    const t = createTestRuntime(system);
    try {
      register(t.runtime);
      const result = await t.executeFlow(${JSON.stringify(flowId)}, input);
${check}
    } finally {
      t.stop();
    }
  });
});
`;
}
