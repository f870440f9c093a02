import { ExpressionError } from '../../errors.js';

/** What a token is; keywords are `name` tokens, told apart by the parser. */
export type TokenType = 'number' | 'string' | 'name' | 'punct' | 'end';

/** A token; `value` is the decoded value of numbers and strings, the source text otherwise. */
export interface Token {
  readonly type: TokenType;
  readonly value: string | number;
  readonly start: number;
  readonly end: number;
}

/** A syntax error at `position` of `source`. */
export function syntaxError(source: string, position: number, detail: string): ExpressionError {
  return new ExpressionError('EXPRESSION_SYNTAX', source, position, detail);
}

/** Longest first, so `===` wins over `==` and `=`. */
const PUNCTUATORS = [
  '...', '===', '!==',
  '**', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '=>',
  '(', ')', '[', ']', '{', '}', ',', ':', '.', '?', '!', '=', '<', '>', '+', '-', '*', '/', '%',
];

const CHARACTER_HINTS: Record<string, string> = {
  '&': '; use && (or and) for "and", and + to join strings',
  '|': '; use || (or or) for "or"',
  '`': '; template literals are not supported, join strings with + or concat()',
  ';': '; an expression is a single expression, without statements',
};

/** Keywords that are operators: a `.` after them starts a number such as `.5`, not a member access. */
const OPERATOR_WORDS = new Set(['and', 'or', 'not', 'in']);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentifierStart = (c: string | undefined): boolean => c !== undefined && /[\p{ID_Start}$_]/u.test(c);
const isIdentifierPart = (c: string | undefined): boolean => c !== undefined && /[\p{ID_Continue}$\u200c\u200d]/u.test(c);

/** Splits an expression into tokens; the last one is always `end`. Throws EXPRESSION_SYNTAX. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const endsValue = (): boolean => {
    const last = tokens[tokens.length - 1];
    if (last === undefined) return false;
    if (last.type === 'name') return !OPERATOR_WORDS.has(last.value as string);
    return last.type !== 'punct' || last.value === ')' || last.value === ']' || last.value === '}';
  };

  while (pos < source.length) {
    const c = source.charAt(pos);
    if (/\s/.test(c)) {
      pos++;
    } else if (isDigit(c) || (c === '.' && isDigit(source[pos + 1]) && !endsValue())) {
      const token = readNumber(source, pos);
      tokens.push(token);
      pos = token.end;
    } else if (c === '"' || c === "'") {
      const token = readString(source, pos);
      tokens.push(token);
      pos = token.end;
    } else if (isIdentifierStart(c) || (c === '\\' && source[pos + 1] === 'u')) {
      if (c === '\\') throw syntaxError(source, pos, 'Unicode escapes are not allowed in names');
      let end = pos + 1;
      while (end < source.length && isIdentifierPart(source[end])) end++;
      tokens.push({ type: 'name', value: source.slice(pos, end), start: pos, end });
      pos = end;
    } else {
      let punct = PUNCTUATORS.find((p) => source.startsWith(p, pos));
      // `a?.5:1` is a conditional, as in JavaScript
      if (punct === '?.' && isDigit(source[pos + 2])) punct = '?';
      if (punct === undefined) {
        throw syntaxError(source, pos, `Unexpected character ${JSON.stringify(c)}${CHARACTER_HINTS[c] ?? ''}`);
      }
      tokens.push({ type: 'punct', value: punct, start: pos, end: pos + punct.length });
      pos += punct.length;
    }
  }
  tokens.push({ type: 'end', value: '', start: source.length, end: source.length });
  return tokens;
}

function readNumber(source: string, start: number): Token {
  const match = /^(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(start));
  let end = start + (match?.[0].length ?? 0);
  if (isIdentifierPart(source[end]) || source[end] === '.' && isDigit(source[end + 1])) {
    while (end < source.length && (isIdentifierPart(source[end]) || source[end] === '.')) end++;
    throw syntaxError(source, start, `Invalid number ${JSON.stringify(source.slice(start, end))}`);
  }
  const text = source.slice(start, end);
  const value = Number(text);
  if (!Number.isFinite(value)) throw syntaxError(source, start, `Number ${text} is too large`);
  return { type: 'number', value, start, end };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };

function readString(source: string, start: number): Token {
  const quote = source.charAt(start);
  let value = '';
  let pos = start + 1;
  for (;;) {
    if (pos >= source.length) throw syntaxError(source, start, `Unterminated string: expected a closing ${quote}`);
    const c = source.charAt(pos);
    if (c === quote) return { type: 'string', value, start, end: pos + 1 };
    if (c === '\n' || c === '\r') throw syntaxError(source, pos, 'Line break inside a string; write \\n instead');
    if (c !== '\\') {
      value += c;
      pos++;
      continue;
    }
    const escaped = source.charAt(pos + 1);
    const simple = SIMPLE_ESCAPES[escaped];
    if (simple !== undefined) {
      value += simple;
      pos += 2;
    } else if (escaped === 'x') {
      value += String.fromCharCode(readHex(source, pos, pos + 2, 2));
      pos += 4;
    } else if (escaped === 'u' && source[pos + 2] === '{') {
      const close = source.indexOf('}', pos + 3);
      const code = readHex(source, pos, pos + 3, close < 0 ? 0 : close - pos - 3);
      if (code > 0x10ffff) throw syntaxError(source, pos, 'Invalid escape: \\u{...} is at most 10FFFF');
      value += String.fromCodePoint(code);
      pos = close + 1;
    } else if (escaped === 'u') {
      value += String.fromCharCode(readHex(source, pos, pos + 2, 4));
      pos += 6;
    } else if (escaped === '0' && !isDigit(source[pos + 2])) {
      value += '\0';
      pos += 2;
    } else if (isDigit(escaped)) {
      throw syntaxError(source, pos, 'Octal escapes are not allowed; write \\x or \\u escapes');
    } else if (escaped === '\r' || escaped === '\n') {
      // a backslash before a line break continues the string on the next line
      pos += escaped === '\r' && source[pos + 2] === '\n' ? 3 : 2;
    } else if (escaped === '') {
      throw syntaxError(source, start, `Unterminated string: expected a closing ${quote}`);
    } else {
      value += escaped;
      pos += 2;
    }
  }
}

/** Reads `length` hex digits at `from`; `escapeAt` is where the escape starts, for the error. */
function readHex(source: string, escapeAt: number, from: number, length: number): number {
  const digits = source.slice(from, from + length);
  if (length === 0 || digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) {
    const escape = source.slice(escapeAt, from).replace('{', '{...}');
    const expected = escape === '\\u{...}' ? 'hex digits' : `${length} hex digits`;
    throw syntaxError(source, escapeAt, `Invalid escape: expected ${expected} after ${escape}`);
  }
  return parseInt(digits, 16);
}
