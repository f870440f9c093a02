// `.ts` DSL files: read statically by default; imported and run only when the caller trusts them.
import type { SourceFile } from 'ts-morph';
import type { DslFile } from './dsl-file.js';
import { count, DslLoadError, formatLocation, listLines, type DslLoadProblem } from './load-error.js';
import { createSourceLocations, type LocatedDocument, type PositionMap } from './locations.js';
import { noDefaultExport } from './no-default-export.js';
import { readStaticDocument, type NotDataConstruct } from './static-reader.js';
import { importTrusted } from './trusted-import.js';
import { findDefaultExport, parseTypeScript } from './ts-source.js';

/**
 * Reads a `.ts` file. Static (the default): the default export must be data, and every construct that is not is
 * reported at once (DSL_NOT_DATA). Trusted: the module runs; positions are still read statically where the file allows.
 */
export async function readTypeScriptFile(source: DslFile, trusted: boolean): Promise<LocatedDocument> {
  const sourceFile = parseTypeScript(source);
  const exported = findDefaultExport(sourceFile);
  if (trusted) {
    const positions: PositionMap = exported ? readStaticDocument(sourceFile, exported).positions : new Map();
    return { value: await importTrusted(source, createSourceLocations(source.file, positions)), positions };
  }
  if (!exported) throw noDefaultExport(source);
  const document = readStaticDocument(sourceFile, exported);
  if (document.notData.length > 0) throw notDataError(source, sourceFile, document.notData);
  return { value: document.value, positions: document.positions };
}

function notDataError(source: DslFile, sourceFile: SourceFile, constructs: readonly NotDataConstruct[]): DslLoadError {
  const problems: DslLoadProblem[] = constructs
    .map(({ node, path, found }) => ({ location: { file: source.file, ...sourceFile.getLineAndColumnAtPos(node.getStart()) }, path, message: found }))
    .sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  const lines = problems.map((p) => `${formatLocation(source.display, p.location)} ${p.path || '(root)'}: ${p.message}`);
  const message =
    `${source.display} is not plain data, so it cannot be loaded without running it (${count(problems.length, 'construct')}):\n` +
    `${listLines(lines)}\nStatic loading never runs code; pass { trusted: true } to run the file.`;
  return new DslLoadError('DSL_NOT_DATA', source.file, message, { problems });
}
