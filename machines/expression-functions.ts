import type { BuiltinName } from '../src/dsl/expression/index.js';
import type { BuiltinImplementation } from './expression-call-site.js';
import { COLLECTION_FUNCTIONS } from './expression-functions-collections.js';
import { NUMBER_FUNCTIONS } from './expression-functions-numbers.js';
import { TEXT_FUNCTIONS } from './expression-functions-text.js';
import { VALUE_FUNCTIONS } from './expression-functions-values.js';

/**
 * The implementation of every built-in declared in `src/dsl/expression/functions.ts`. The type requires
 * one entry per declared name, so a function the parser accepts can't be missing here.
 */
export const BUILTIN_IMPLEMENTATIONS: Record<BuiltinName, BuiltinImplementation> = {
  ...TEXT_FUNCTIONS,
  ...NUMBER_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
  ...VALUE_FUNCTIONS,
};
