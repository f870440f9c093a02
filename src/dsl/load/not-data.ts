// What a construct that is not data is, in words: "a call to z.object()", "an arrow function".
import { Node, VariableDeclarationKind } from 'ts-morph';

/** A short description of an expression or declaration that static loading cannot turn into data. */
export function describeConstruct(node: Node): string {
  if (Node.isCallExpression(node)) return `a call to ${calleeName(node.getExpression())}()`;
  if (Node.isNewExpression(node)) return `a call to new ${calleeName(node.getExpression())}()`;
  if (Node.isArrowFunction(node)) return 'an arrow function';
  if (Node.isFunctionExpression(node)) return 'a function expression';
  if (Node.isFunctionDeclaration(node)) return 'a function declaration';
  if (Node.isClassExpression(node) || Node.isClassDeclaration(node)) return 'a class';
  if (Node.isTemplateExpression(node)) return 'a template literal with substitutions';
  if (Node.isTaggedTemplateExpression(node)) return `a tagged template ${calleeName(node.getTag())}\`…\``;
  if (Node.isRegularExpressionLiteral(node)) return `a regular expression ${node.getText()}`;
  if (Node.isBigIntLiteral(node)) return `a bigint ${node.getText()}`;
  if (Node.isComputedPropertyName(node)) return `a computed key ${shorten(node.getText())}`;
  if (Node.isMethodDeclaration(node)) return `a method ${node.getName()}()`;
  if (Node.isGetAccessorDeclaration(node)) return `a getter ${node.getName()}`;
  if (Node.isSetAccessorDeclaration(node)) return `a setter ${node.getName()}`;
  if (Node.isExportSpecifier(node)) {
    const from = node.getExportDeclaration().getModuleSpecifierValue();
    return from === undefined ? `the export ${node.getText()}` : `a re-export from '${from}'`;
  }
  return `the expression \`${shorten(node.getText())}\``;
}

/** Why the identifier `name`, declared by `declaration` (undefined: declared nowhere in the file), is not data. */
export function describeIdentifier(name: string, declaration: Node | undefined): string {
  if (!declaration) return `the identifier ${name}, which is not declared in this file`;
  const from = declaration.getFirstAncestor(Node.isImportDeclaration)?.getModuleSpecifierValue();
  if (Node.isNamespaceImport(declaration)) return `the namespace ${name} imported from '${from ?? '?'}'`;
  if (Node.isImportSpecifier(declaration) || Node.isImportClause(declaration)) return `the identifier ${name} imported from '${from ?? '?'}'`;
  if (Node.isVariableDeclaration(declaration)) {
    const kind = declaration.getVariableStatement()?.getDeclarationKind();
    if (kind !== undefined && kind !== VariableDeclarationKind.Const) return `the variable ${name}, declared with ${kind} (only const values are read)`;
    return `the variable ${name}, which has no value`;
  }
  if (Node.isFunctionDeclaration(declaration)) return `the function ${name}`;
  if (Node.isClassDeclaration(declaration)) return `the class ${name}`;
  if (Node.isEnumDeclaration(declaration)) return `the enum ${name}`;
  if (Node.isParameterDeclaration(declaration)) return `the parameter ${name}`;
  return `the identifier ${name}`;
}

/** `z.object`, `z.object().optional`, `new Date`: a callee without its arguments. */
function calleeName(node: Node): string {
  if (Node.isIdentifier(node)) return node.getText();
  if (Node.isPropertyAccessExpression(node)) return `${calleeName(node.getExpression())}.${node.getName()}`;
  if (Node.isCallExpression(node)) return `${calleeName(node.getExpression())}()`;
  if (Node.isParenthesizedExpression(node)) return calleeName(node.getExpression());
  return shorten(node.getText());
}

/** Code on one line, at most 40 characters. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}
