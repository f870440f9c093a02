import type { BuiltinName } from './functions.js';

/** The names an expression may start from. */
export const SCOPE_ROOTS = ['input', 'steps', 'context', 'event', 'item', 'index'] as const;
/** One of {@link SCOPE_ROOTS}. */
export type ScopeRoot = (typeof SCOPE_ROOTS)[number];

/** Every node knows where it is in the source: `start` inclusive, `end` exclusive, both 0-based. */
interface Located {
  readonly start: number;
  readonly end: number;
}

/** The values a literal can write. */
export type LiteralValue = string | number | boolean | null | undefined;
/** `not` is parsed as `!`. */
export type UnaryOperator = '!' | '-' | '+';
/** `and` and `or` are parsed as `&&` and `||`. */
export type LogicalOperator = '&&' | '||' | '??';
/** Equality keeps its spelling (`=`, `==`, `===`, `!=`, `!==`); all are strict and deep. */
export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '**'
  | '<' | '<=' | '>' | '>='
  | '=' | '==' | '===' | '!=' | '!=='
  | 'in';

/** A number, a string, `true`, `false`, `null` or `undefined`. */
export interface LiteralNode extends Located { readonly kind: 'literal'; readonly value: LiteralValue }
/** `input`, `steps`, … read from the scope the expression is evaluated with. */
export interface RootNode extends Located { readonly kind: 'root'; readonly name: ScopeRoot }
/** A lambda parameter, read inside the lambda's body. */
export interface LocalNode extends Located { readonly kind: 'local'; readonly name: string }
/** `[a, ...b]` */
export interface ArrayNode extends Located { readonly kind: 'array'; readonly elements: readonly (ExpressionNode | SpreadElement)[] }
/** `{ key: value, ...spread }` */
export interface ObjectNode extends Located { readonly kind: 'object'; readonly properties: readonly (PropertyNode | SpreadElement)[] }
/** `a.b` and `a?.b`: the name is written in the source. */
export interface MemberNode extends Located {
  readonly kind: 'member';
  readonly object: ExpressionNode;
  readonly property: string;
  readonly optional: boolean;
}
/** `a[x]` and `a?.[x]`: the key is computed. */
export interface ComputedMemberNode extends Located {
  readonly kind: 'computedMember';
  readonly object: ExpressionNode;
  readonly property: ExpressionNode;
  readonly optional: boolean;
}
/** A call of a built-in function; lambdas appear only here. */
export interface CallNode extends Located {
  readonly kind: 'call';
  readonly callee: BuiltinName;
  readonly args: readonly (ExpressionNode | LambdaNode)[];
}
/** `!a`, `not a`, `-a`, `+a` */
export interface UnaryNode extends Located { readonly kind: 'unary'; readonly operator: UnaryOperator; readonly argument: ExpressionNode }
/** Arithmetic, comparison, equality and `in`. */
export interface BinaryNode extends Located {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  /** Where the operator is written, for evaluation errors. */
  readonly operatorStart: number;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}
/** `&&`, `||` (also written `and`, `or`) and `??`: the right side is evaluated only when needed. */
export interface LogicalNode extends Located {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}
/** `test ? consequent : alternate` */
export interface ConditionalNode extends Located {
  readonly kind: 'conditional';
  readonly test: ExpressionNode;
  readonly consequent: ExpressionNode;
  readonly alternate: ExpressionNode;
}

/** `...x` inside an array or object literal. */
export interface SpreadElement extends Located { readonly kind: 'spread'; readonly argument: ExpressionNode }
/** `key: value` inside an object literal (`{ key }` is read as `{ key: key }`). */
export interface PropertyNode extends Located { readonly kind: 'property'; readonly key: string; readonly value: ExpressionNode }
/** `x => body` or `(x, i) => body`, only as the argument of a higher-order built-in. */
export interface LambdaNode extends Located { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: ExpressionNode }

/** A parsed expression (AST): plain data, tagged by `kind`. */
export type ExpressionNode =
  | LiteralNode
  | RootNode
  | LocalNode
  | ArrayNode
  | ObjectNode
  | MemberNode
  | ComputedMemberNode
  | CallNode
  | UnaryNode
  | BinaryNode
  | LogicalNode
  | ConditionalNode;

/** The `kind` tags of evaluable nodes. */
export type ExpressionKind = ExpressionNode['kind'];
/** Any node of the tree, the helper nodes of literals, calls and lambdas included. */
export type AnyExpressionNode = ExpressionNode | SpreadElement | PropertyNode | LambdaNode;

/** The direct children of a node, in source order. */
export function childNodes(node: AnyExpressionNode): AnyExpressionNode[] {
  switch (node.kind) {
    case 'literal':
    case 'root':
    case 'local':
      return [];
    case 'array':
      return [...node.elements];
    case 'object':
      return [...node.properties];
    case 'member':
      return [node.object];
    case 'computedMember':
      return [node.object, node.property];
    case 'call':
      return [...node.args];
    case 'unary':
    case 'spread':
      return [node.argument];
    case 'binary':
    case 'logical':
      return [node.left, node.right];
    case 'conditional':
      return [node.test, node.consequent, node.alternate];
    case 'property':
      return [node.value];
    case 'lambda':
      return [node.body];
  }
}
