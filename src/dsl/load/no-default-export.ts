import type { DslFile } from './dsl-file.js';
import { DslLoadError } from './load-error.js';

/** The DSL_LOAD error of a `.ts` file without a default export, with the line it needs. */
export function noDefaultExport(source: DslFile): DslLoadError {
  return new DslLoadError(
    'DSL_LOAD',
    source.file,
    `${source.display} has no default export; a DSL file exports its system:\n\n` +
      `  import { defineSystem } from 'runtime-core';\n\n` +
      `  export default defineSystem({ id: 'my-system', tasks: {}, flows: {} });`,
  );
}
