/** A machine the generated tests cannot drive: `code` says what it holds. */
export class UnsupportedTestTargetError extends Error {
  override readonly name = 'UnsupportedTestTargetError';
  readonly code = 'UNSUPPORTED_TEST_TARGET';
}
