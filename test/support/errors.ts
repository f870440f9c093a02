/** The `code` of what `call` throws at once, or `'no error'`. */
export function thrownCode(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

/** The `code` of what `call` throws or rejects with, or `'no error'`. */
export async function errorCode(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}
