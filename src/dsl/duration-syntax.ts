// How a duration is written: shared by the zod meta-schema and the parser, so neither imports the other.

/** Milliseconds as a number, or a string such as `'250ms' | '30s' | '5m' | '2h' | '1d'`. */
export type Duration = number | string;

/** The string form of a duration: a non-negative decimal and a unit. */
export const DURATION_PATTERN = /^\d+(\.\d+)?(ms|s|m|h|d)$/;
