// A `.ts` DSL file as a ts-morph source file: parsed without type checking, its default export found.
import { Node, Project, ts, VariableDeclarationKind, type SourceFile, type VariableDeclaration } from 'ts-morph';
import type { DslFile } from './dsl-file.js';
import { count, DslLoadError, formatLocation, listLines, type DslLoadProblem } from './load-error.js';

/** What `export default` names: an expression, a `const` (`export { system as default }`), or a declaration that is code. */
export type DefaultExport =
  | { readonly kind: 'expression'; readonly node: Node }
  | { readonly kind: 'variable'; readonly declaration: VariableDeclaration }
  | { readonly kind: 'other'; readonly node: Node };

/** Parses `source`; a syntax error is a DSL_SYNTAX error listing every one with its location. Runs nothing. */
export function parseTypeScript(source: DslFile): SourceFile {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    compilerOptions: { noLib: true, types: [], target: ts.ScriptTarget.ES2022 },
  });
  const sourceFile = project.createSourceFile(source.file, source.text, { overwrite: true, scriptKind: ts.ScriptKind.TS });
  const diagnostics = project.getProgram().getSyntacticDiagnostics(sourceFile);
  if (diagnostics.length === 0) return sourceFile;
  const problems: DslLoadProblem[] = diagnostics.map((diagnostic) => ({
    location: { file: source.file, ...sourceFile.getLineAndColumnAtPos(diagnostic.getStart() ?? 0) },
    message: ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n'),
  }));
  const lines = problems.map((p) => `${formatLocation(source.display, p.location)} ${p.message}`);
  const message = `${source.display} is not valid TypeScript (${count(problems.length, 'syntax error')}):\n${listLines(lines)}`;
  throw new DslLoadError('DSL_SYNTAX', source.file, message, { problems });
}

/** The file's default export, or undefined when it has none. */
export function findDefaultExport(sourceFile: SourceFile): DefaultExport | undefined {
  const assignment = sourceFile.getExportAssignment((a) => !a.isExportEquals());
  if (assignment) return { kind: 'expression', node: assignment.getExpression() };
  const declaration = sourceFile.getDefaultExportSymbol()?.getDeclarations()[0];
  if (!declaration) return undefined;
  if (Node.isExportSpecifier(declaration) && !declaration.getExportDeclaration().hasModuleSpecifier()) {
    const [target] = declaration.getLocalTargetDeclarations();
    if (Node.isVariableDeclaration(target) && target.getVariableStatement()?.getDeclarationKind() === VariableDeclarationKind.Const) {
      return { kind: 'variable', declaration: target };
    }
  }
  return { kind: 'other', node: declaration };
}
