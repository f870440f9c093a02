// Static reading: the default export's literal turned into data with ts-morph, without running anything.
// Every property and array element gets a position; every construct that is not data is collected, not thrown.
import { Node, ts, VariableDeclarationKind, type ArrayLiteralExpression, type ObjectLiteralExpression, type SourceFile, type VariableDeclaration } from 'ts-morph';
import { childPath } from '../validate-report.js';
import type { PositionMap } from './locations.js';
import { describeConstruct, describeIdentifier } from './not-data.js';
import type { DefaultExport } from './ts-source.js';

/** A construct that static loading cannot turn into data, and the document path it stands at. */
export interface NotDataConstruct {
  readonly path: string;
  readonly node: Node;
  readonly found: string;
}

/** The default export read as data. `value` leaves out every construct in `notData`. */
export interface StaticDocument {
  readonly value: unknown;
  readonly positions: PositionMap;
  readonly notData: readonly NotDataConstruct[];
}

/** Reads the default export of `sourceFile` as data. Never runs the file. */
export function readStaticDocument(sourceFile: SourceFile, exported: DefaultExport): StaticDocument {
  const reader = new StaticReader(sourceFile);
  const value = reader.document(exported);
  return { value, positions: reader.positions, notData: reader.notData };
}

/** An expression resolved through `const` references, or why it cannot be. */
type Resolved = { readonly node: Node; readonly via: readonly VariableDeclaration[] } | { readonly found: string; readonly node: Node };

const isDefineSystem = (callee: Node): boolean =>
  (Node.isIdentifier(callee) && callee.getText() === 'defineSystem') || (Node.isPropertyAccessExpression(callee) && callee.getName() === 'defineSystem');

class StaticReader {
  readonly positions: PositionMap = new Map();
  readonly notData: NotDataConstruct[] = [];
  /** `const` declarations being read, so that one that refers to itself is reported, not followed for ever. */
  private readonly reading = new Set<VariableDeclaration>();
  private readonly reported = new Set<string>();

  constructor(private readonly sourceFile: SourceFile) {}

  /** The document: `defineSystem(…)`, `as const`, `satisfies` and `const` references are looked through. */
  document(exported: DefaultExport): unknown {
    if (exported.kind === 'other') return this.report(exported.node, '', describeConstruct(exported.node));
    let node: Node = exported.kind === 'variable' ? exported.declaration : exported.node;
    const via: VariableDeclaration[] = [];
    for (;;) {
      const resolved = this.resolve(node);
      if ('found' in resolved) break;
      via.push(...resolved.via);
      node = resolved.node;
      const [argument, ...rest] = Node.isCallExpression(node) ? node.getArguments() : [];
      if (!Node.isCallExpression(node) || !isDefineSystem(node.getExpression()) || !argument || rest.length > 0 || Node.isSpreadElement(argument)) break;
      node = argument;
    }
    this.mark('', node);
    return this.within(via, () => this.value(node, ''));
  }

  private value(expression: Node, path: string): unknown {
    const resolved = this.resolve(expression);
    if ('found' in resolved) return this.report(resolved.node, path, resolved.found);
    const { node } = resolved;
    return this.within(resolved.via, () => {
      if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
      if (Node.isNumericLiteral(node)) return numericValue(node.getText());
      if (Node.isTrueLiteral(node) || Node.isFalseLiteral(node)) return node.getLiteralValue();
      if (Node.isNullLiteral(node)) return null;
      if (Node.isIdentifier(node)) return undefined; // `resolve` lets only an undeclared `undefined` through
      if (Node.isObjectLiteralExpression(node)) return this.object(node, path);
      if (Node.isArrayLiteralExpression(node)) return this.elements(node, path, []);
      const signed = this.signedNumber(node);
      if (signed !== undefined) return signed;
      const joined = Node.isBinaryExpression(node) ? this.concatenation(node) : undefined;
      if (joined !== undefined) return joined;
      return this.report(node, path, describeConstruct(node));
    });
  }

  /** `-1`, `+2.5`. */
  private signedNumber(node: Node): number | undefined {
    if (!Node.isPrefixUnaryExpression(node)) return undefined;
    const operand = unwrap(node.getOperand());
    if (!Node.isNumericLiteral(operand)) return undefined;
    const operator = node.getOperatorToken();
    if (operator === ts.SyntaxKind.MinusToken) return -numericValue(operand.getText());
    return operator === ts.SyntaxKind.PlusToken ? numericValue(operand.getText()) : undefined;
  }

  /** `'a long ' + 'string'`: strings split with `+`, as long expressions often are. */
  private concatenation(expression: Node): string | undefined {
    const resolved = this.resolve(expression);
    if ('found' in resolved) return undefined;
    const { node } = resolved;
    return this.within(resolved.via, () => {
      if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
      if (!Node.isBinaryExpression(node) || node.getOperatorToken().getKind() !== ts.SyntaxKind.PlusToken) return undefined;
      const left = this.concatenation(node.getLeft());
      const right = left === undefined ? undefined : this.concatenation(node.getRight());
      return left === undefined || right === undefined ? undefined : left + right;
    });
  }

  private object(node: ObjectLiteralExpression, path: string, into: Record<string, unknown> = {}): Record<string, unknown> {
    for (const member of node.getProperties()) {
      if (Node.isSpreadAssignment(member)) {
        const resolved = this.resolve(member.getExpression());
        if (!('found' in resolved) && Node.isObjectLiteralExpression(resolved.node)) {
          const source = resolved.node;
          this.within(resolved.via, () => this.object(source, path, into));
        } else this.report(member, path, `a spread of ${'found' in resolved ? resolved.found : describeConstruct(resolved.node)}`);
        continue;
      }
      const nameNode = member.getNameNode();
      const key = Node.isIdentifier(nameNode) || Node.isPrivateIdentifier(nameNode) ? nameNode.getText()
        : Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue()
        : Node.isNumericLiteral(nameNode) ? String(numericValue(nameNode.getText()))
        : undefined;
      if (key === undefined) {
        this.report(nameNode, path, describeConstruct(nameNode));
        continue;
      }
      const at = childPath(path, key);
      this.mark(at, member);
      if (Node.isPropertyAssignment(member)) define(into, key, this.value(member.getInitializerOrThrow(), at));
      else if (Node.isShorthandPropertyAssignment(member)) define(into, key, this.value(member.getNameNode(), at));
      else this.report(member, at, describeConstruct(member));
    }
    return into;
  }

  private elements(node: ArrayLiteralExpression, path: string, into: unknown[]): unknown[] {
    for (const element of node.getElements()) {
      if (Node.isSpreadElement(element)) {
        const resolved = this.resolve(element.getExpression());
        if (!('found' in resolved) && Node.isArrayLiteralExpression(resolved.node)) {
          const source = resolved.node;
          this.within(resolved.via, () => this.elements(source, path, into));
        } else this.report(element, path, `a spread of ${'found' in resolved ? resolved.found : describeConstruct(resolved.node)}`);
        continue;
      }
      const at = childPath(path, into.length);
      this.mark(at, element);
      into.push(Node.isOmittedExpression(element) ? undefined : this.value(element, at));
    }
    return into;
  }

  /**
   * Looks through parentheses, `as`, `satisfies`, `!` and `<T>`, and through identifiers to the initializer of the
   * `const` they name in this file. Stops at anything else; an identifier that names no such `const` is explained.
   */
  private resolve(start: Node): Resolved {
    const via: VariableDeclaration[] = [];
    let node = unwrap(start);
    for (;;) {
      let declaration: Node | undefined;
      if (Node.isVariableDeclaration(node)) declaration = node;
      else if (Node.isIdentifier(node)) {
        const symbol = Node.isShorthandPropertyAssignment(node.getParent()) ? node.getParentOrThrow().asKindOrThrow(ts.SyntaxKind.ShorthandPropertyAssignment).getValueSymbol() : node.getSymbol();
        declaration = symbol?.getDeclarations()[0];
        if (!declaration && node.getText() === 'undefined') return { node, via };
      } else return { node, via };
      const name = Node.isVariableDeclaration(node) ? node.getName() : node.getText();
      if (!Node.isVariableDeclaration(declaration)) return { found: describeIdentifier(name, declaration), node };
      const initializer = declaration.getInitializer();
      if (!initializer || declaration.getVariableStatement()?.getDeclarationKind() !== VariableDeclarationKind.Const || !Node.isIdentifier(declaration.getNameNode())) {
        return { found: describeIdentifier(name, declaration), node };
      }
      if (this.reading.has(declaration) || via.includes(declaration)) return { found: `the identifier ${name}, which refers to itself`, node };
      via.push(declaration);
      node = unwrap(initializer);
    }
  }

  /** Runs `read` with `via` marked as being read. */
  private within<T>(via: readonly VariableDeclaration[], read: () => T): T {
    const added = via.filter((d) => !this.reading.has(d));
    for (const declaration of added) this.reading.add(declaration);
    try {
      return read();
    } finally {
      for (const declaration of added) this.reading.delete(declaration);
    }
  }

  private mark(path: string, node: Node): void {
    this.positions.set(path, this.sourceFile.getLineAndColumnAtPos(node.getStart()));
  }

  /** Notes a construct once (a `const` read from two places holds it once) and stands for it with `undefined`. */
  private report(node: Node, path: string, found: string): undefined {
    const key = `${node.getStart()}\0${found}`;
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.notData.push({ path, node, found });
    }
    return undefined;
  }
}

/** The expression inside parentheses, `as`/`as const`, `satisfies`, a non-null `!` and a `<T>` assertion. */
function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isParenthesizedExpression(current) ||
    Node.isAsExpression(current) ||
    Node.isSatisfiesExpression(current) ||
    Node.isNonNullExpression(current) ||
    Node.isTypeAssertion(current)
  ) {
    current = current.getExpression();
  }
  return current;
}

/** Sets an own property, so that a key such as `__proto__` is data and never a prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A numeric literal's value from its text: ts-morph's getLiteralValue() reads `1e+21` as 1. */
function numericValue(text: string): number {
  return Number(text.replace(/_/g, ''));
}
