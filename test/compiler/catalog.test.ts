import { describe, expect, it } from 'vitest';
import { MachineCatalog } from '../../compiler/catalog.js';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileProcessDefinition } from '../../compiler/process.js';
import { detachedEnvironment } from '../../machines/environment.js';
import { NotFoundError } from '../../src/errors.js';

describe('MachineCatalog', () => {
  it('a machine that invokes a flow the catalog lacks fails with NotFoundError (UNKNOWN_FLOW)', () => {
    const parent = compileFlowDefinition('parent', { steps: [{ id: 'ship', type: 'flow', flow: 'shipping' }] });
    const other = compileFlowDefinition('other', { steps: [] });
    const catalog = new MachineCatalog(detachedEnvironment, {
      flows: new Map([['parent', parent], ['other', other]]),
      tasks: new Map(),
      processes: new Map(),
    });
    expect(() => catalog.flow('parent')).toThrow(NotFoundError);
    expect(() => catalog.flow('parent')).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_FLOW',
        kind: 'flow',
        id: 'shipping',
        message: 'Unknown flow "shipping" invoked by machine "flow:parent"; known flows: parent, other',
      }),
    );
  });

  it('a process that invokes a task the catalog lacks fails with NotFoundError (UNKNOWN_TASK)', () => {
    const process = compileProcessDefinition('order', { initial: 'paying', states: { paying: { invoke: { task: 'charge' } } } });
    const catalog = new MachineCatalog(detachedEnvironment, { flows: new Map(), tasks: new Map(), processes: new Map([['order', process]]) });
    expect(() => catalog.process('order')).toThrow(NotFoundError);
    expect(() => catalog.process('order')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TASK', message: 'Unknown task "charge" invoked by machine "process:order"; there are no tasks' }),
    );
  });
});
