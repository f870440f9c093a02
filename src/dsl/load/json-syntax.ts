// A strict JSON (RFC 8259) check that says where a file stops being JSON and what was expected there.
// The yaml parser reads JSON too, but it also accepts trailing commas, comments and single quotes.

/** Where `text` stops being JSON: an offset (0-based) and what is wrong there. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly message: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z0-9_$.+-]+/y;
const STRING = /^"(?:[^"\\\n]|\\.)*"/;

/** The first JSON syntax error of `text`, or undefined when it is one JSON value. Duplicate keys are errors. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.skipWhitespace();
    if (!scanner.atEnd()) scanner.fail(`Unexpected ${scanner.found()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxFailure) return { offset: error.offset, message: error.message };
    throw error;
  }
}

class JsonSyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

class JsonScanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipWhitespace(): void {
    while (WHITESPACE.has(this.text[this.pos] ?? '')) this.pos++;
  }

  fail(message: string, offset = this.pos): never {
    throw new JsonSyntaxFailure(offset, message);
  }

  /** What stands at the current position, for a message: `the end of the file`, `'}'`, `undefined`. */
  found(): string {
    if (this.atEnd()) return 'the end of the file';
    WORD.lastIndex = this.pos;
    const word = WORD.exec(this.text)?.[0];
    if (word) return word.length > 20 ? `${word.slice(0, 20)}…` : word;
    const char = this.text[this.pos] ?? '';
    if (char === '"') return `the string ${STRING.exec(this.text.slice(this.pos, this.pos + 40))?.[0] ?? '"…'}`;
    return char === '\n' || char === '\r' ? 'a line break' : `'${char}'`;
  }

  value(): void {
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return void this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.fail(this.unexpected('a value (a string, number, object, array, true, false or null)'));
  }

  private unexpected(expected: string): string {
    const char = this.text[this.pos];
    if (char === '/') return 'Comments are not allowed in JSON';
    if (char === "'") return 'Strings in JSON are written in double quotes';
    return `Expected ${expected}, found ${this.found()}`;
  }

  private object(): void {
    this.pos++;
    const keys = new Map<string, number>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') return void this.pos++;
    let comma: number | undefined; // the comma before the current member, to point at a trailing one
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === '}' && comma !== undefined) this.fail('Trailing commas are not allowed in JSON', comma);
      if (this.text[this.pos] !== '"') this.fail(this.unexpected('a property name in double quotes'));
      const keyOffset = this.pos;
      const key = this.string();
      const first = keys.get(key);
      if (first !== undefined) this.fail(`Duplicate key ${JSON.stringify(key)} (first at ${this.lineColumn(first)})`, keyOffset);
      keys.set(key, keyOffset);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`Expected ':' after the property name, found ${this.found()}`);
      this.pos++;
      this.value();
      this.skipWhitespace();
      if (this.text[this.pos] === '}') return void this.pos++;
      if (this.text[this.pos] !== ',') this.fail(this.unexpected("',' or '}' after the property value"));
      comma = this.pos++;
    }
  }

  private array(): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') return void this.pos++;
    let comma: number | undefined; // the comma before the current member, to point at a trailing one
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']' && comma !== undefined) this.fail('Trailing commas are not allowed in JSON', comma);
      this.value();
      this.skipWhitespace();
      if (this.text[this.pos] === ']') return void this.pos++;
      if (this.text[this.pos] !== ',') this.fail(this.unexpected("',' or ']' after the array element"));
      comma = this.pos++;
    }
  }

  /** Reads a string and returns its value. */
  private string(): string {
    const start = this.pos++;
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) this.fail('Unterminated string', start);
      if (char === '"') break;
      if (char < ' ') this.fail(`Control characters in JSON strings must be escaped (found ${char === '\n' || char === '\r' ? 'a line break' : 'a tab or control character'})`);
      if (char === '\\') {
        const escape = this.text[this.pos + 1] ?? '';
        const valid = escape === 'u' ? /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)) : escape !== '' && '"\\/bfnrt'.includes(escape);
        if (!valid) this.fail(`Invalid escape \\${escape} in a JSON string`);
        this.pos += escape === 'u' ? 6 : 2;
      } else this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    const next = this.text[this.pos + (match?.[0].length ?? 0)] ?? '';
    if (!match || /[0-9A-Za-z.]/.test(next)) this.fail(`Invalid number ${this.found()}`);
    this.pos += match[0].length;
  }

  /** `3:5`, 1-based, for messages that point back at an earlier place. */
  private lineColumn(offset: number): string {
    const { line, column } = lineColumnAt(this.text, offset);
    return `${line}:${column}`;
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}
