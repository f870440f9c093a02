// Reads the document an existing file holds, statically: literals, arrays, objects, and `const` names of
// the same file. What it cannot read stays opaque, so that it is never taken for equal to anything.
import { Node, SyntaxKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import { expressionSource } from './function-source.js';
import { FunctionText, OpaqueValue } from './read-values.js';

/** The expression under `(…)`, `as …`, `satisfies …`, `<T>…` and `…!`. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  for (;;) {
    if (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current)) {
      current = current.getExpression();
    } else if (Node.isTypeAssertion(current) || Node.isNonNullExpression(current)) {
      current = current.getExpression();
    } else return current;
  }
}

/** The name of a property as a string, or undefined for a computed name that is not a literal. */
export function propertyName(property: Node): string | undefined {
  if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property) && !Node.isMethodDeclaration(property)) return undefined;
  const name = property.getNameNode();
  if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
  if (Node.isNumericLiteral(name)) return String(numberOf(name));
  if (Node.isComputedPropertyName(name)) {
    const inner = unwrapExpression(name.getExpression());
    if (Node.isStringLiteral(inner) || Node.isNoSubstitutionTemplateLiteral(inner)) return inner.getLiteralValue();
    if (Node.isNumericLiteral(inner)) return String(numberOf(inner));
  }
  return undefined;
}

/** The value `node` stands for. */
export function readLiteral(node: Node, resolving: ReadonlySet<string> = new Set()): unknown {
  const expression = unwrapExpression(node);
  if (Node.isStringLiteral(expression) || Node.isNoSubstitutionTemplateLiteral(expression)) return expression.getLiteralValue();
  if (Node.isNumericLiteral(expression)) return numberOf(expression);
  if (Node.isTrueLiteral(expression)) return true;
  if (Node.isFalseLiteral(expression)) return false;
  if (Node.isNullLiteral(expression)) return null;
  if (Node.isPrefixUnaryExpression(expression)) return readSigned(expression);
  if (Node.isArrowFunction(expression) || Node.isFunctionExpression(expression)) {
    const text = expression.getText();
    return new FunctionText(expressionSource(text) ?? text);
  }
  if (Node.isIdentifier(expression)) return readName(expression, resolving);
  if (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    // Long strings are often written in pieces: 'a long ' + 'expression'.
    const left = readLiteral(expression.getLeft(), resolving);
    const right = readLiteral(expression.getRight(), resolving);
    return typeof left === 'string' && typeof right === 'string' ? left + right : new OpaqueValue(expression);
  }
  if (Node.isArrayLiteralExpression(expression)) {
    const items: unknown[] = [];
    for (const element of expression.getElements()) {
      if (Node.isSpreadElement(element)) {
        const spread = readLiteral(element.getExpression(), resolving);
        if (!Array.isArray(spread)) return new OpaqueValue(expression);
        items.push(...(spread as unknown[]));
      } else if (Node.isOmittedExpression(element)) return new OpaqueValue(expression);
      else items.push(readLiteral(element, resolving));
    }
    return items;
  }
  if (Node.isObjectLiteralExpression(expression)) return readObject(expression, resolving);
  return new OpaqueValue(expression);
}

function readSigned(expression: Node): unknown {
  if (!Node.isPrefixUnaryExpression(expression)) return new OpaqueValue(expression);
  const operand = unwrapExpression(expression.getOperand());
  const text = expression.getText().trimStart();
  if (!Node.isNumericLiteral(operand) || !(text.startsWith('-') || text.startsWith('+'))) return new OpaqueValue(expression);
  return text.startsWith('-') ? -numberOf(operand) : numberOf(operand);
}

/** The value of a numeric literal, from its text: `1e+21`, `0x1f`, `1_000` (ts-morph's reading loses exponents). */
function numberOf(literal: Node): number {
  return Number(literal.getText().replace(/_/g, ''));
}

function readObject(expression: Node, resolving: ReadonlySet<string>): unknown {
  if (!Node.isObjectLiteralExpression(expression)) return new OpaqueValue(expression);
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const property of expression.getProperties()) {
    if (Node.isSpreadAssignment(property)) {
      const spread = readLiteral(property.getExpression(), resolving);
      if (typeof spread !== 'object' || spread === null || Array.isArray(spread) || spread instanceof OpaqueValue) return new OpaqueValue(expression);
      for (const [key, value] of Object.entries(spread)) set(key, value);
      continue;
    }
    const key = propertyName(property);
    if (key === undefined) return new OpaqueValue(expression);
    if (Node.isPropertyAssignment(property)) {
      const initializer = property.getInitializer();
      set(key, initializer ? readLiteral(initializer, resolving) : new OpaqueValue(property));
    } else if (Node.isShorthandPropertyAssignment(property)) set(key, readName(property.getNameNode(), resolving));
    else if (Node.isMethodDeclaration(property)) {
      const text = property.getText();
      set(key, new FunctionText(expressionSource(text) ?? text));
    } else return new OpaqueValue(expression);
  }
  return out;
}

/** `undefined`, or a top-level `const` of the same file, read in turn. */
function readName(identifier: Node, resolving: ReadonlySet<string>): unknown {
  const name = identifier.getText();
  if (name === 'undefined') return undefined;
  if (resolving.has(name)) return new OpaqueValue(identifier);
  const declaration = (identifier.getSourceFile() as SourceFile).getVariableDeclaration(name);
  const initializer = declaration?.getInitializer();
  if (!declaration || !initializer || declaration.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const) {
    return new OpaqueValue(identifier);
  }
  return readLiteral(initializer, new Set(resolving).add(name));
}
