// Whether two function texts are the same function. A function that a trusted load imported has been
// through a transpiler (tsx, vite): types stripped, white space, quotes and parentheses changed, `undefined`
// written `void 0`, `1000000` written `1e6`, `'a' + 'b'` folded. Both texts are brought to one canonical print.
import { createRequire } from 'node:module';
import type { ts } from 'ts-morph';

let loaded: typeof ts | undefined;
const api = (): typeof ts => (loaded ??= (createRequire(import.meta.url)('ts-morph') as { ts: typeof ts }).ts);
const canonicalCache = new Map<string, string | undefined>();

/** True when `a` and `b` are one function written differently (or written the same). */
export function sameFunctionText(a: string, b: string): boolean {
  if (a === b) return true;
  const left = canonical(a);
  return left !== undefined && left === canonical(b);
}

/** The function printed without types, comments or formatting choices; undefined when it does not parse. */
function canonical(text: string): string | undefined {
  if (canonicalCache.has(text)) return canonicalCache.get(text);
  const t = api();
  const js = t.transpileModule(`(${text}\n);`, {
    compilerOptions: { target: t.ScriptTarget.ESNext, module: t.ModuleKind.ESNext, removeComments: true },
    reportDiagnostics: true,
  });
  let out: string | undefined;
  if ((js.diagnostics ?? []).length === 0) {
    const file = t.createSourceFile('function.js', js.outputText, t.ScriptTarget.ESNext, true, t.ScriptKind.JS);
    const result = t.transform(file, [normalize]);
    out = t.createPrinter({ removeComments: true }).printFile(result.transformed[0] as ts.SourceFile);
    result.dispose();
  }
  if (canonicalCache.size > 500) canonicalCache.clear();
  canonicalCache.set(text, out);
  return out;
}

/**
 * Rebuilds the nodes whose print depends on how they were written. Parentheses are dropped, and the factory
 * puts back those that the grammar needs when it rebuilds the parent, so redundant ones disappear.
 */
function normalize(context: ts.TransformationContext): (root: ts.SourceFile) => ts.SourceFile {
  const t = api();
  const f = context.factory;
  const visit = (original: ts.Node): ts.Node => {
    const node = t.visitEachChild(original, visit, context);
    if (t.isParenthesizedExpression(node)) return node.expression;
    if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) return f.createStringLiteral(node.text);
    if (t.isNumericLiteral(node)) return f.createNumericLiteral(String(Number(node.text)));
    if (t.isIdentifier(node) && node.text === 'undefined' && isValuePosition(original)) return f.createVoidZero();
    if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.PlusToken && t.isStringLiteral(node.left) && t.isStringLiteral(node.right)) {
      return f.createStringLiteral(node.left.text + node.right.text);
    }
    if (t.isArrowFunction(node)) {
      const parameters = node.parameters.map((p) => f.createParameterDeclaration(p.modifiers, p.dotDotDotToken, p.name, undefined, undefined, p.initializer));
      return f.createArrowFunction(node.modifiers, undefined, parameters, undefined, node.equalsGreaterThanToken, node.body);
    }
    if (t.isObjectLiteralExpression(node)) return f.createObjectLiteralExpression([...node.properties], false);
    if (t.isArrayLiteralExpression(node)) return f.createArrayLiteralExpression([...node.elements], false);
    if (t.isCallExpression(node) && !t.isCallChain(node)) return f.createCallExpression(node.expression, undefined, [...node.arguments]);
    if (t.isBlock(node)) return f.createBlock([...node.statements], true);
    return node;
  };
  return (root) => t.visitNode(root, visit) as ts.SourceFile;
}

/** `undefined` read as a value, not as a property name or a declared name. */
function isValuePosition(node: ts.Node): boolean {
  const t = api();
  const parent = node.parent as ts.Node | undefined;
  if (!parent) return false;
  if ((t.isPropertyAccessExpression(parent) && parent.name === node) || (t.isPropertyAssignment(parent) && parent.name === node)) return false;
  return !(t.isVariableDeclaration(parent) || t.isParameter(parent) || t.isBindingElement(parent) || t.isShorthandPropertyAssignment(parent));
}
