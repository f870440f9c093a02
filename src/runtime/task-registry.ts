import { ExpressionCache } from '../../machines/expression.js';
import { collectSteps } from '../dsl/validate-flow.js';
import type { FlowDefinition, TaskDefinition } from '../dsl/schema.js';
import { didYouMean } from '../dsl/validate-report.js';
import { NotFoundError, UsageError } from '../errors.js';
import { createBuiltinTask } from './builtin-tasks/index.js';
import type { TaskImplementation } from './task-runner.js';

/**
 * The tasks a runtime can run: the document's; or, when the document declares no tasks at all, any task
 * that has an implementation (it runs with no schema and no retry). A registered implementation wins over
 * the built-in one a declared task's `implementation` describes.
 */
export class TaskRegistry {
  private readonly implementations = new Map<string, TaskImplementation>();
  /** Built-in implementations, created on first use. */
  private readonly builtins = new Map<string, TaskImplementation>();
  private readonly expressions = new ExpressionCache();
  private readonly adHoc: Record<string, TaskDefinition> = {};
  /** Attempts waiting for an implementation, by task id. */
  private readonly awaited = new Map<string, { registered: Promise<void>; resolve: () => void }>();

  constructor(private readonly declared: Readonly<Record<string, TaskDefinition>>) {}

  /**
   * @throws NotFoundError (`UNKNOWN_TASK`, with the closest declared ids) for a task the system does not
   * declare, when it declares any; UsageError when `implementation` is not a function.
   */
  register(taskId: string, implementation: TaskImplementation): void {
    this.assertRegistrable(taskId, implementation);
    this.implementations.set(taskId, implementation);
    this.awaited.get(taskId)?.resolve();
    this.awaited.delete(taskId);
  }

  /** Registers every implementation, or none when one of them cannot be registered. */
  registerAll(implementations: Readonly<Record<string, TaskImplementation>>): void {
    const entries = Object.entries(implementations ?? {});
    for (const [taskId, implementation] of entries) this.assertRegistrable(taskId, implementation);
    for (const [taskId, implementation] of entries) this.register(taskId, implementation);
  }

  /** Whether the system has the task: declared, or, when the system declares no tasks, implemented. */
  has(taskId: string): boolean {
    return this.declaresTasks() ? Object.hasOwn(this.declared, taskId) : this.implementations.has(taskId);
  }

  /** Resolves once an implementation of `taskId` is registered. */
  whenImplemented(taskId: string): Promise<void> {
    let awaited = this.awaited.get(taskId);
    if (!awaited) {
      let resolve!: () => void;
      const registered = new Promise<void>((r) => (resolve = r));
      this.awaited.set(taskId, (awaited = { registered, resolve }));
    }
    return awaited.registered;
  }

  hasImplementation(taskId: string): boolean {
    return this.implementation(taskId) !== undefined;
  }

  isDeclared(taskId: string): boolean {
    return this.definition(taskId) !== undefined;
  }

  /** The registered implementation, else the built-in one the task's definition describes. */
  implementation(taskId: string): TaskImplementation | undefined {
    return this.implementations.get(taskId) ?? this.builtin(taskId);
  }

  /** Ids of the tasks that have an implementation, registered or built-in. */
  implemented(): string[] {
    const builtIn = Object.keys(this.declared).filter((taskId) => this.declared[taskId]?.implementation && !this.implementations.has(taskId));
    return [...this.implementations.keys(), ...builtIn];
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

  private declaresTasks(): boolean {
    return Object.keys(this.declared).length > 0;
  }

  private assertRegistrable(taskId: string, implementation: unknown): void {
    if (typeof taskId !== 'string' || taskId.length === 0) throw new UsageError('registerTaskImplementation(taskId, fn) expects a non-empty task id');
    if (typeof implementation !== 'function') {
      throw new UsageError(`registerTaskImplementation("${taskId}", …) expects a function, got ${implementation === null ? 'null' : typeof implementation}`);
    }
    // A system that declares its tasks implements those only: an unknown id is a typo or a stale name.
    if (this.declaresTasks() && !Object.hasOwn(this.declared, taskId)) {
      const declared = this.declaredIds();
      const hint = didYouMean(taskId, declared).trim();
      throw new NotFoundError('task', taskId, declared, `${hint ? `${hint} ` : ''}— a system that declares tasks takes implementations of those only`);
    }
  }

  private builtin(taskId: string): TaskImplementation | undefined {
    const cached = this.builtins.get(taskId);
    if (cached) return cached;
    const definition = Object.prototype.hasOwnProperty.call(this.declared, taskId) ? this.declared[taskId] : undefined;
    const created = definition && createBuiltinTask(taskId, definition, this.expressions);
    if (created) this.builtins.set(taskId, created);
    return created;
  }
}
