// Functions of a document (conditions and expressions written in code) are saved from their source text,
// as arrow functions where that keeps their meaning.
import { createRequire } from 'node:module';
import type { ts } from 'ts-morph';
import { UnsavableError } from './save-error.js';

// The TypeScript parser is loaded on first use: saving a document without functions does not need it.
let loaded: typeof ts | undefined;
const api = (): typeof ts => (loaded ??= (createRequire(import.meta.url)('ts-morph') as { ts: typeof ts }).ts);

/** The source of a function as it is written to a file. */
export interface FunctionSource {
  /** An arrow function (or a function expression, when an arrow would change its meaning). */
  readonly text: string;
  /** False when a template literal spans lines: re-indenting would change the string. */
  readonly reindentable: boolean;
}

const cache = new WeakMap<object, FunctionSource>();

/**
 * The source text of `fn`, as an expression: `(input) => input.total > 100`. `function (a, b) { … }` and
 * method shorthand (`if(input) { … }`) become arrows unless they use `this`, `arguments`, `super`,
 * `new.target` or their own name, or are generators; then they are written as function expressions.
 * Only the text is saved: variables the function closes over are not.
 */
export function functionSource(fn: (...args: never[]) => unknown, at?: string): FunctionSource {
  const cached = cache.get(fn);
  if (cached) return cached;
  const text = Function.prototype.toString.call(fn).trim();
  if (/\{\s*\[native code\]\s*\}$/.test(text)) {
    throw new UnsavableError('a native or bound function has no source text to save; write it as an arrow function', at);
  }
  const source = convert(text, at);
  cache.set(fn, source);
  return source;
}

/** The arrow form of an arrow function, function expression or method, given its source text. */
export function toArrowSource(text: string): string | undefined {
  const parsed = parseFunction(text);
  return parsed && arrowText(parsed.node, parsed.file);
}

/** The text `functionSource` would write for a function with this source text; undefined when it does not parse. */
export function expressionSource(text: string): string | undefined {
  const parsed = parseFunction(text);
  return parsed && (arrowText(parsed.node, parsed.file) ?? functionExpressionText(parsed.node, parsed.file));
}

function convert(text: string, at: string | undefined): FunctionSource {
  const parsed = parseFunction(text);
  if (!parsed) throw new UnsavableError(`cannot read the source of this function: ${abbreviate(text)}`, at);
  const { node, file } = parsed;
  const out = arrowText(node, file) ?? functionExpressionText(node, file);
  return { text: out, reindentable: !hasMultilineTemplate(out) };
}

type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

/** Parses `text` as a function expression, or else as a method of an object literal. */
function parseFunction(text: string): { node: FunctionNode; file: ts.SourceFile } | undefined {
  for (const [before, after] of [['(', '\n)'], ['({\n', '\n})']] as const) {
    const file = api().createSourceFile('function.ts', `${before}${text}${after}`, api().ScriptTarget.Latest, true, api().ScriptKind.TS);
    if (syntaxErrors(file).length > 0) continue;
    const statement = file.statements[0];
    if (file.statements.length !== 1 || !statement || !api().isExpressionStatement(statement)) continue;
    let expression: ts.Expression = statement.expression;
    while (api().isParenthesizedExpression(expression)) expression = expression.expression;
    if (api().isArrowFunction(expression) || api().isFunctionExpression(expression)) return { node: expression, file };
    if (api().isObjectLiteralExpression(expression) && expression.properties.length === 1) {
      const method = expression.properties[0];
      if (method && api().isMethodDeclaration(method) && method.body) return { node: method, file };
    }
  }
  return undefined;
}

/** Syntax errors the parser found (they are kept on the source file, outside the public typings). */
export function syntaxErrors(file: ts.SourceFile): readonly ts.Diagnostic[] {
  return (file as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
}

function arrowText(node: FunctionNode, file: ts.SourceFile): string | undefined {
  if (api().isArrowFunction(node)) return node.getText(file);
  if (node.asteriskToken || !node.body || usesOwnBinding(node)) return undefined;
  const isAsync = node.modifiers?.some((m) => m.kind === api().SyntaxKind.AsyncKeyword) ?? false;
  return `${isAsync ? 'async ' : ''}${signature(node, file)} => ${node.body.getText(file)}`;
}

/** `<T>(a, b): R`, the parameters' text kept as written (comments and defaults included). */
function signature(node: ts.FunctionExpression | ts.MethodDeclaration, file: ts.SourceFile): string {
  const text = file.text;
  const typeParameters = node.typeParameters ? `<${text.slice(node.typeParameters.pos, node.typeParameters.end)}>` : '';
  const returnType = node.type ? `: ${node.type.getText(file)}` : '';
  return `${typeParameters}(${text.slice(node.parameters.pos, node.parameters.end).trim()})${returnType}`;
}

function functionExpressionText(node: FunctionNode, file: ts.SourceFile): string {
  if (api().isFunctionExpression(node)) return node.getText(file);
  if (api().isArrowFunction(node) || !node.body) return node.getText(file);
  const isAsync = node.modifiers?.some((m) => m.kind === api().SyntaxKind.AsyncKeyword) ?? false;
  return `${isAsync ? 'async ' : ''}function${node.asteriskToken ? '*' : ''} ${signature(node, file)} ${node.body.getText(file)}`;
}

/** Whether the function reads what an arrow would bind differently: this, arguments, super, new.target, its own name. */
function usesOwnBinding(node: ts.FunctionExpression | ts.MethodDeclaration): boolean {
  const ownName = api().isFunctionExpression(node) ? node.name?.text : undefined;
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (api().isFunctionDeclaration(child) || api().isFunctionExpression(child) || api().isMethodDeclaration(child) || api().isClassLike(child)) {
      // A nested ordinary function has its own this and arguments; only its name use would still matter.
      if (ownName !== undefined && mentions(child, ownName)) found = true;
      return;
    }
    if (
      child.kind === api().SyntaxKind.ThisKeyword ||
      child.kind === api().SyntaxKind.SuperKeyword ||
      api().isMetaProperty(child) ||
      (api().isIdentifier(child) && (child.text === 'arguments' || child.text === ownName))
    ) {
      found = true;
      return;
    }
    api().forEachChild(child, visit);
  };
  api().forEachChild(node, (child) => {
    if (child !== node.name) visit(child);
  });
  return found;
}

function mentions(node: ts.Node, name: string): boolean {
  if (api().isIdentifier(node) && node.text === name) return true;
  return api().forEachChild(node, (child) => mentions(child, name) || undefined) ?? false;
}

/** Whether a template literal spans lines; re-indenting its lines would change the string. */
function hasMultilineTemplate(text: string): boolean {
  const file = api().createSourceFile('template.ts', `(${text})`, api().ScriptTarget.Latest, true, api().ScriptKind.TS);
  const visit = (node: ts.Node): boolean => {
    if ((api().isNoSubstitutionTemplateLiteral(node) || api().isTemplateExpression(node)) && node.getText(file).includes('\n')) return true;
    return api().forEachChild(node, (child) => visit(child) || undefined) ?? false;
  };
  return visit(file);
}

const abbreviate = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
