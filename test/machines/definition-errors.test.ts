import { describe, expect, it } from 'vitest';
import { createFlowMachine } from '../../machines/build.js';
import { detachedEnvironment } from '../../machines/environment.js';
import { compileTree } from '../../machines/expression-compile.js';
import { ExpressionCache } from '../../machines/expression.js';
import { MachineExpressions } from '../../machines/scope.js';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { ExpressionError, UsageError } from '../../src/errors.js';

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('a definition that machines/ cannot build fails with a typed error', () => {
  it('an unknown mapper is a UsageError (INVALID_ARGUMENT) that names it', () => {
    const definition = compileFlowDefinition('f', { steps: [] });
    definition.config.context = { $mapper: 'nope' };
    const error = thrown(() => createFlowMachine(definition, detachedEnvironment, () => {
      throw new Error('resolves nothing');
    }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('unknown mapper "nope"') });
  });

  it('a function the definition names but does not bring is a UsageError', () => {
    const expressions = new MachineExpressions(new ExpressionCache());
    for (const get of [() => expressions.get({ fn: 'fn0' }), () => expressions.condition('fn0')]) {
      const error = thrown(get);
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('No function "fn0"') });
    }
  });

  it('a lambda parameter out of scope is an ExpressionError at its position', () => {
    const error = thrown(() => compileTree({ kind: 'local', name: 'x', start: 4, end: 5 }, '1 + x'));
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toMatchObject({ code: 'EXPRESSION_SYNTAX', position: 4, message: expect.stringContaining('Lambda parameter "x" is not in scope') });
  });
});
