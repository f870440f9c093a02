import { collectSteps } from '../dsl/validate-flow.js';
import type { FlowDefinition, TaskDefinition } from '../dsl/schema.js';
import type { TaskImplementation } from './task-runner.js';

/**
 * The tasks a runtime can run: the document's, plus tasks it does not declare but that have an
 * implementation (they run with no schema and no retry).
 */
export class TaskRegistry {
  private readonly implementations = new Map<string, TaskImplementation>();
  private readonly adHoc: Record<string, TaskDefinition> = {};

  constructor(private readonly declared: Readonly<Record<string, TaskDefinition>>) {}

  register(taskId: string, implementation: TaskImplementation): void {
    if (typeof implementation !== 'function') {
      throw new TypeError(`registerTaskImplementation("${taskId}", …) expects a function, got ${implementation === null ? 'null' : typeof implementation}`);
    }
    this.implementations.set(taskId, implementation);
  }

  implementation(taskId: string): TaskImplementation | undefined {
    return this.implementations.get(taskId);
  }

  implemented(): string[] {
    return [...this.implementations.keys()];
  }

  declaredIds(): string[] {
    return Object.keys(this.declared);
  }

  definition(taskId: string): TaskDefinition | undefined {
    const known = this.declared[taskId] ?? this.adHoc[taskId];
    if (known || !this.implementations.has(taskId)) return known;
    return (this.adHoc[taskId] = {});
  }

  /** Every task definition a flow may use: the declared ones and the implemented ones it names. */
  definitionsFor(flow: FlowDefinition): Record<string, TaskDefinition> {
    for (const [, step] of collectSteps(flow.steps, 'steps')) {
      if (step.type === 'task') this.definition(step.task);
    }
    return { ...this.adHoc, ...this.declared };
  }
}
