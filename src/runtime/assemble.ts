import type { NormalizedSystem } from '../dsl/normalize.js';
import { EventRouter } from './event-router.js';
import type { InstanceHost } from './host/instance-host.js';
import { MemoryHost } from './host/memory-host.js';
import { StoreHost } from './host/store-host.js';
import { InstanceLauncher } from './launcher.js';
import { createMachineEnvironment } from './machine-environment.js';
import type { ResolvedRuntimeOptions } from './options.js';
import { SystemModel } from './system-model.js';

/** The parts a runtime is made of, wired together. */
export interface RuntimeParts {
  model: SystemModel;
  events: EventRouter;
  host: InstanceHost;
  launcher: InstanceLauncher;
}

/**
 * Wires a validated system to its host: the store host when `options.store` is set, else the memory host.
 * The machines are built with an environment that runs attempts through the host's write-ahead gate, and
 * the event router delivers through the host and starts triggered flows through the launcher.
 */
export function assembleRuntime(system: NormalizedSystem, options: ResolvedRuntimeOptions): RuntimeParts {
  const model = new SystemModel(system);
  const events = new EventRouter(system.events ?? {}, options.logger);
  const host: InstanceHost = options.store ? new StoreHost(options.store, model, options, events, model.tasks) : new MemoryHost(model, options, events);
  model.build(
    createMachineEnvironment({
      tasks: model.tasks,
      outlets: events,
      gate: host,
      current: () => host.local?.currentInstance,
      logger: options.logger,
      random: options.random,
    }),
  );
  const launcher = new InstanceLauncher(model, host);
  events.connect(host, launcher);
  for (const flowId of model.flowIds()) events.setTriggers(flowId, model.flow(flowId)?.trigger);
  for (const type of model.processEvents()) events.addProcessListener(type);
  return { model, events, host, launcher };
}
