// Finds the object literal a `.dsl.ts` file exports as its document.
import { Node, VariableDeclarationKind, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { unwrapExpression } from './literal-reader.js';
import { UnsavableError } from './save-error.js';

const EXPECTED = 'expected `export default defineSystem({ ... })`, or a default export of an object literal';

/**
 * The object literal of the default export: `export default defineSystem({…})`, `export default {…}`
 * (with `as const` or `satisfies …`), or a same-file `const` exported as default.
 * @throws UnsavableError when there is none; the caller then leaves the file untouched.
 */
export function findDocumentLiteral(file: SourceFile): ObjectLiteralExpression {
  let node: Node | undefined = defaultExportExpression(file);
  if (!node) throw new UnsavableError(`the existing file has no default export; ${EXPECTED}`);
  const seen = new Set<string>();
  for (;;) {
    node = unwrapExpression(node);
    if (Node.isObjectLiteralExpression(node)) return node;
    if (Node.isCallExpression(node) && isDefineSystem(node.getExpression()) && node.getArguments().length === 1) {
      node = node.getArguments()[0] as Node;
      continue;
    }
    if (Node.isIdentifier(node) && !seen.has(node.getText())) {
      seen.add(node.getText());
      const initializer = constInitializer(file, node.getText());
      if (initializer) {
        node = initializer;
        continue;
      }
    }
    const { line, column } = file.getLineAndColumnAtPos(node.getStart());
    throw new UnsavableError(
      `the default export at line ${line}, column ${column} is not a literal the saver can update (${abbreviate(node.getText())}); ${EXPECTED}`,
    );
  }
}

function defaultExportExpression(file: SourceFile): Node | undefined {
  const assignment = file.getExportAssignment((candidate) => !candidate.isExportEquals());
  if (assignment) return assignment.getExpression();
  for (const declaration of file.getExportDeclarations()) {
    if (declaration.getModuleSpecifier()) continue;
    for (const specifier of declaration.getNamedExports()) {
      if (specifier.getAliasNode()?.getText() === 'default') return specifier.getNameNode();
    }
  }
  return undefined;
}

function isDefineSystem(callee: Node): boolean {
  if (Node.isIdentifier(callee)) return callee.getText() === 'defineSystem';
  return Node.isPropertyAccessExpression(callee) && callee.getName() === 'defineSystem';
}

function constInitializer(file: SourceFile, name: string): Node | undefined {
  const declaration = file.getVariableDeclaration(name);
  if (declaration?.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const) return undefined;
  return declaration.getInitializer();
}

const abbreviate = (text: string): string => {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 50 ? `${line.slice(0, 47)}...` : line;
};
