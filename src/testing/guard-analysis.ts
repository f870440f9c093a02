import { childNodes, parseExpression, type AnyExpressionNode, type ExpressionNode } from '../dsl/expression/index.js';

/**
 * "Set `event.<path>` to `value`", or to what `ref` reads (`['input', 'documentId']`) where the event is
 * sent: one condition a guard puts on the event.
 */
export type EventHint = { path: string[]; value: unknown } | { path: string[]; ref: string[] };

/** The roots a guard may compare the event with; their values are known only where the event is sent. */
const REFERENCE_ROOTS = ['input', 'steps', 'context', 'item', 'index', 'event'] as const;

function referencePath(node: AnyExpressionNode, subject: string): string[] | undefined {
  for (const root of REFERENCE_ROOTS) {
    if (root === subject) continue;
    const path = pathFrom(node, root);
    if (path) return [root, ...path];
  }
  return undefined;
}

/** At most this many ways to satisfy one guard. */
const MAX_ALTERNATIVES = 8;

const parse = (expression: string): ExpressionNode | undefined => {
  try {
    return parseExpression(expression);
  } catch {
    return undefined;
  }
};

/** The path below `root` that a member chain reads (`event.error.name` → `['error', 'name']`), if it is one. */
function pathFrom(node: AnyExpressionNode, root: string): string[] | undefined {
  if (node.kind === 'root') return node.name === root ? [] : undefined;
  if (node.kind === 'member') {
    const above = pathFrom(node.object, root);
    return above && [...above, node.property];
  }
  if (node.kind === 'computedMember' && node.property.kind === 'literal' && (typeof node.property.value === 'string' || typeof node.property.value === 'number')) {
    const above = pathFrom(node.object, root);
    return above && [...above, String(node.property.value)];
  }
  return undefined;
}

const literal = (node: AnyExpressionNode): { value: unknown } | undefined => {
  if (node.kind === 'literal') return { value: node.value };
  if (node.kind === 'unary' && node.operator === '-' && node.argument.kind === 'literal' && typeof node.argument.value === 'number') return { value: -node.argument.value };
  return undefined;
};

const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** A value that makes `event.<path> <operator> literal` hold, if one is obvious. */
function satisfying(operator: string, value: unknown): { value: unknown } | undefined {
  switch (operator) {
    case '=':
    case '==':
    case '===':
      return { value };
    case '>':
      return typeof value === 'number' ? { value: value + 1 } : undefined;
    case '<':
      return typeof value === 'number' ? { value: value - 1 } : undefined;
    case '>=':
    case '<=':
      return typeof value === 'number' ? { value } : undefined;
    default:
      return undefined;
  }
}

/** Ways to satisfy a (sub)expression by setting what `subject` (`event`, `input`) holds, each a list of hints; `[[]]` when nothing is known. */
function alternatives(node: ExpressionNode, subject: string): EventHint[][] {
  if (node.kind === 'logical' && node.operator === '&&') {
    const out: EventHint[][] = [];
    for (const left of alternatives(node.left, subject)) for (const right of alternatives(node.right, subject)) out.push([...left, ...right]);
    return out.slice(0, MAX_ALTERNATIVES);
  }
  if (node.kind === 'logical' && node.operator === '||') return [...alternatives(node.left, subject), ...alternatives(node.right, subject)].slice(0, MAX_ALTERNATIVES);
  if (node.kind === 'binary') {
    if (node.operator === 'in') {
      const path = pathFrom(node.left, subject);
      const first = node.right.kind === 'array' ? node.right.elements[0] : undefined;
      const value = first && first.kind !== 'spread' ? literal(first) : undefined;
      return path && value ? [[{ path, value: value.value }]] : [[]];
    }
    const leftPath = pathFrom(node.left, subject);
    const rightPath = pathFrom(node.right, subject);
    const equality = node.operator === '=' || node.operator === '==' || node.operator === '===';
    if (equality && leftPath && !rightPath) {
      const ref = referencePath(node.right, subject);
      if (ref) return [[{ path: leftPath, ref }]];
    }
    if (equality && rightPath && !leftPath) {
      const ref = referencePath(node.left, subject);
      if (ref) return [[{ path: rightPath, ref }]];
    }
    const rightValue = literal(node.right);
    if (leftPath && rightValue) {
      const value = satisfying(node.operator, rightValue.value);
      return value ? [[{ path: leftPath, value: value.value }]] : [[]];
    }
    const leftValue = literal(node.left);
    if (rightPath && leftValue) {
      const value = satisfying(FLIPPED[node.operator] ?? node.operator, leftValue.value);
      return value ? [[{ path: rightPath, value: value.value }]] : [[]];
    }
    return [[]];
  }
  if (node.kind === 'unary' && node.operator === '!') {
    const path = pathFrom(node.argument, subject);
    return path ? [[{ path, value: false }]] : [[]];
  }
  const path = pathFrom(node, subject);
  return path && path.length ? [[{ path, value: true }]] : [[]];
}

/**
 * Ways to make a guard hold through the event alone, as far as its comparisons show:
 * `event.amount > 0 and event.kind == "card"` gives `[[amount = 1, kind = "card"]]`;
 * `event.orderId == input.orderId` gives `[[orderId = (input.orderId)]]`, resolved where the event is sent;
 * an `or` gives one way per side. Conditions the event cannot meet give nothing. With `subject: 'input'`
 * the same for a flow's input (a condition step's `input.level >= 2`).
 */
export function eventHints(guard: string, subject: 'event' | 'input' = 'event'): EventHint[][] {
  const node = parse(guard);
  return node ? alternatives(node, subject).filter((hints) => hints.length > 0) : [];
}

const read = (scope: Record<string, unknown>, path: readonly string[]): unknown =>
  path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), scope);

/**
 * `value` with each hint applied (a copy; objects are created along the paths). A reference is read from
 * `scope` (`{ input, steps, context }`); one that reads nothing is left out.
 */
export function applyHints(value: unknown, hints: readonly EventHint[], scope: Record<string, unknown> = {}): unknown {
  let out = structuredClone(value);
  for (const hint of hints) {
    const { path } = hint;
    const set = 'ref' in hint ? read(scope, hint.ref) : hint.value;
    if (set === undefined) continue;
    if (path.length === 0) {
      out = structuredClone(set);
      continue;
    }
    if (typeof out !== 'object' || out === null || Array.isArray(out)) out = {};
    let target = out as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      target = target[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    }
    target[path.at(-1) as string] = structuredClone(set);
  }
  return out;
}

/**
 * The top-level context fields an expression reads (`context.priority == "urgent"` → `['priority']`), or
 * `undefined` when it reads the context as a whole or cannot be read.
 */
export function contextFields(expression: string): string[] | undefined {
  const node = parse(expression);
  if (!node) return undefined;
  const fields = new Set<string>();
  let whole = false;
  const visit = (current: AnyExpressionNode, parent: AnyExpressionNode | undefined): void => {
    if (current.kind === 'root' && current.name === 'context') {
      const path = parent ? pathFrom(parent, 'context') : undefined;
      if (path?.[0] === undefined) whole = true;
      else fields.add(path[0]);
    }
    for (const child of childNodes(current)) visit(child, current);
  };
  visit(node, undefined);
  return whole ? undefined : [...fields];
}
