import type { ExpressionKind, ExpressionNode, LambdaNode, ScopeRoot } from '../src/dsl/expression/index.js';
import { ExpressionError } from '../src/errors.js';
import { CallSite, type Lambda } from './expression-call-site.js';
import { BUILTIN_IMPLEMENTATIONS } from './expression-functions.js';
import { BINARY_OPERATORS, LOGICAL_OPERATORS, UNARY_OPERATORS, type Evaluate } from './expression-operators.js';
import { isRecord, readComputed, readProperty, setProperty, typeName, type Fail } from './expression-values.js';

/** What compiling one expression needs: its source for messages, and the slots of lambda parameters. */
interface CompileContext {
  readonly source: string;
  /** Lambda parameters in reach, innermost last, each with its slot in the `locals` array. */
  readonly params: { readonly name: string; readonly slot: number }[];
  /** How many slots the evaluation's `locals` array needs. */
  slots: number;
}

type NodeCompiler<K extends ExpressionKind> = (node: Extract<ExpressionNode, { kind: K }>, cx: CompileContext) => Evaluate;

/** One compiler per node kind; a new kind without one is a type error. */
const COMPILERS: { [K in ExpressionKind]: NodeCompiler<K> } = {
  literal: (node) => {
    const value = node.value;
    return () => value;
  },
  root: (node) => ROOT_READERS[node.name],
  local: (node, cx) => {
    const slot = findSlot(cx, node);
    return (_s, l) => l[slot];
  },
  array: (node, cx) => {
    const parts = node.elements.map((element) =>
      element.kind === 'spread'
        ? { spread: true, evaluate: compileNode(element.argument, cx), fail: failAt(cx, element.start) }
        : { spread: false, evaluate: compileNode(element, cx), fail: failAt(cx, element.start) },
    );
    if (parts.every((part) => !part.spread)) {
      const elements = parts.map((part) => part.evaluate);
      return (s, l) => elements.map((evaluate) => evaluate(s, l));
    }
    return (s, l) => {
      const result: unknown[] = [];
      for (const part of parts) {
        const value = part.evaluate(s, l);
        if (!part.spread) result.push(value);
        else if (Array.isArray(value)) for (const element of value) result.push(element);
        else if (value !== null && value !== undefined) part.fail(`Spread in an array expects an array, found ${typeName(value)}`);
      }
      return result;
    };
  },
  object: (node, cx) => {
    const parts = node.properties.map((property) => ({
      key: property.kind === 'property' ? property.key : undefined,
      evaluate: compileNode(property.kind === 'property' ? property.value : property.argument, cx),
      fail: failAt(cx, property.start),
    }));
    return (s, l) => {
      const result: Record<string, unknown> = {};
      for (const part of parts) {
        const value = part.evaluate(s, l);
        if (part.key !== undefined) result[part.key] = value;
        else if (isRecord(value)) for (const key of Object.keys(value)) setProperty(result, key, value[key]);
        else if (value !== null && value !== undefined) part.fail(`Spread in an object expects an object, found ${typeName(value)}`);
      }
      return result;
    };
  },
  member: (node, cx) => {
    const object = compileNode(node.object, cx);
    const key = node.property;
    return (s, l) => readProperty(object(s, l), key);
  },
  computedMember: (node, cx) => {
    const object = compileNode(node.object, cx);
    const key = compileNode(node.property, cx);
    return (s, l) => readComputed(object(s, l), key(s, l));
  },
  call: (node, cx) => {
    const implementation = BUILTIN_IMPLEMENTATIONS[node.callee];
    const site = new CallSite(node.callee, cx.source, node.start, node.args.map((arg) => arg.start));
    const args = node.args.map((arg) => (arg.kind === 'lambda' ? compileLambda(arg, cx) : compileNode(arg, cx)));
    return (s, l) => {
      const values = new Array<unknown>(args.length);
      for (let i = 0; i < args.length; i++) values[i] = (args[i] as Evaluate)(s, l);
      return implementation(values, site);
    };
  },
  unary: (node, cx) => UNARY_OPERATORS[node.operator](compileNode(node.argument, cx), failAt(cx, node.start)),
  binary: (node, cx) => BINARY_OPERATORS[node.operator](compileNode(node.left, cx), compileNode(node.right, cx), failAt(cx, node.operatorStart)),
  logical: (node, cx) => LOGICAL_OPERATORS[node.operator](compileNode(node.left, cx), compileNode(node.right, cx)),
  conditional: (node, cx) => {
    const test = compileNode(node.test, cx);
    const consequent = compileNode(node.consequent, cx);
    const alternate = compileNode(node.alternate, cx);
    return (s, l) => (test(s, l) ? consequent(s, l) : alternate(s, l));
  },
};

const ROOT_READERS: Record<ScopeRoot, Evaluate> = {
  input: (s) => s.input,
  steps: (s) => s.steps,
  context: (s) => s.context,
  event: (s) => s.event,
  item: (s) => s.item,
  index: (s) => s.index,
};

function compileNode(node: ExpressionNode, cx: CompileContext): Evaluate {
  return (COMPILERS[node.kind] as NodeCompiler<ExpressionKind>)(node as never, cx);
}

/**
 * A lambda evaluates to a function of (element, index) that writes its parameters into their slots and
 * runs the body. Lambdas can't escape the built-in they are given to, and there is no recursion, so one
 * `locals` array per evaluation is enough.
 */
function compileLambda(node: LambdaNode, cx: CompileContext): Evaluate {
  const slots = node.params.map((name) => {
    const slot = cx.slots++;
    cx.params.push({ name, slot });
    return slot;
  });
  const body = compileNode(node.body, cx);
  cx.params.length -= slots.length;
  const [valueSlot = 0, indexSlot] = slots;
  return (s, l): Lambda =>
    indexSlot === undefined
      ? (value) => {
          l[valueSlot] = value;
          return body(s, l);
        }
      : (value, index) => {
          l[valueSlot] = value;
          l[indexSlot] = index;
          return body(s, l);
        };
}

function findSlot(cx: CompileContext, node: Extract<ExpressionNode, { kind: 'local' }>): number {
  for (let i = cx.params.length - 1; i >= 0; i--) {
    const param = cx.params[i];
    if (param?.name === node.name) return param.slot;
  }
  // the parser only makes `local` nodes inside a lambda that declares them
  throw new ExpressionError('EXPRESSION_SYNTAX', cx.source, node.start, `Lambda parameter "${node.name}" is not in scope`);
}

function failAt(cx: CompileContext, position: number): Fail {
  return (detail) => {
    throw new ExpressionError('EXPRESSION_EVALUATION', cx.source, position, detail);
  };
}

/** Compiles a parsed expression to nested closures; `slots` is the size of the `locals` array it needs. */
export function compileTree(node: ExpressionNode, source: string): { evaluate: Evaluate; slots: number } {
  const cx: CompileContext = { source, params: [], slots: 0 };
  const evaluate = compileNode(node, cx);
  return { evaluate, slots: cx.slots };
}
