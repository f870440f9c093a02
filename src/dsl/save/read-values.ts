// What the literal reader gives for what is not plain data; kept apart so that comparing needs no parser.

/** A value written as something other than data (a call, an imported name…); it equals nothing. */
export class OpaqueValue {
  constructor(readonly node: unknown) {}
}

/** A function written in the file; `text` is its arrow form when it has one. */
export class FunctionText {
  constructor(readonly text: string) {}
}
