// The type check of generated code: the TypeScript compiler (through ts-morph) on files held in memory.
import { join } from 'node:path';
import { Project, ts, type SourceFile } from 'ts-morph';
import { packagePaths } from './package-paths.js';

/** The files of one check, by name relative to one folder; `subjects` are those whose problems are reported. */
export interface TypecheckInput {
  files: Record<string, string>;
  subjects: readonly string[];
  /** Text put before a diagnostic of that file instead of its position (for a wrapper the model never saw). */
  explain?: Record<string, string>;
}

export interface TypecheckResult {
  passed: boolean;
  diagnostics: string[];
}

// Loading lib and @types/node costs seconds: one project per process is reused, each check in a folder of its
// own whose files are removed afterwards.
let project: Project | undefined;
let checks = 0;

/** What generated code may import from `runtime-core`: a small facade over the real modules, quick to load. */
function facade(): string {
  const { taskContext, taskFailure } = packagePaths().apiModules;
  const path = (p: string) => JSON.stringify(p.replace(/\\/g, '/'));
  return `export { getTaskContext } from ${path(taskContext)};
export type { TaskContext } from ${path(taskContext)};
export { TaskFailure } from ${path(taskFailure)};
`;
}

function compilerOptions(facadeFile: string): ts.CompilerOptions {
  const paths = packagePaths();
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    strict: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
    ...(paths.typeRoots ? { typeRoots: [paths.typeRoots], types: ['node'] } : { types: [], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] }),
    paths: { 'runtime-core': [facadeFile] },
    // JavaScript is checked too, through its JSDoc, as strictly as TypeScript.
    allowJs: true,
    checkJs: true,
  };
}

function sharedProject(): Project {
  if (!project) {
    const facadeFile = join(packagePaths().root, '.runtime-core-codegen', 'runtime-core-api.ts').replace(/\\/g, '/');
    project = new Project({ compilerOptions: compilerOptions(facadeFile), skipAddingFilesFromTsConfig: true });
    project.createSourceFile(facadeFile, facade(), { overwrite: true });
  }
  return project;
}

function describe(diagnostic: ts.Diagnostic, folder: string, explain: Record<string, string>): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  const file = diagnostic.file;
  if (!file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${message}`;
  const name = file.fileName.startsWith(`${folder}/`) ? file.fileName.slice(folder.length + 1) : file.fileName;
  const prefix = explain[name];
  if (prefix) return `${prefix}: ${message}`;
  const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${name}(${line + 1},${character + 1}): error TS${diagnostic.code}: ${message}`;
}

/** Type-checks the files and reports every problem in the subject files, as `file(line,col): error TSnnnn: message`. */
export function typecheck(input: TypecheckInput): TypecheckResult {
  const project = sharedProject();
  // A folder that does not exist: the files live only in memory, relative imports resolve between them.
  const folder = join(packagePaths().root, '.runtime-core-codegen', `check-${process.pid}-${++checks}`).replace(/\\/g, '/');
  const created: SourceFile[] = Object.entries(input.files).map(([name, text]) => project.createSourceFile(`${folder}/${name}`, text, { overwrite: true }));
  try {
    const program = project.getProgram().compilerObject;
    const diagnostics: string[] = [];
    for (const name of input.subjects) {
      const file = program.getSourceFile(`${folder}/${name}`);
      if (!file) continue;
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        if (d.category === ts.DiagnosticCategory.Error) diagnostics.push(describe(d, folder, input.explain ?? {}));
      }
    }
    return { passed: diagnostics.length === 0, diagnostics };
  } finally {
    for (const file of created) project.removeSourceFile(file);
  }
}
