import type { BuiltinName } from '../src/dsl/expression/index.js';
import type { BuiltinImplementation, CallSite } from './expression-call-site.js';
import { typeName } from './expression-values.js';

/** Built-ins on numbers. */
export const NUMBER_FUNCTIONS = {
  sum: (args, site) => site.numbers(args, 0).reduce((total, n) => total + n, 0),
  avg: (args, site) => {
    const values = site.numbers(args, 0);
    return values.length === 0 ? undefined : values.reduce((total, n) => total + n, 0) / values.length;
  },
  min: (args, site) => {
    const values = numberList(args, site);
    return values.length === 0 ? undefined : values.reduce((a, b) => Math.min(a, b));
  },
  max: (args, site) => {
    const values = numberList(args, site);
    return values.length === 0 ? undefined : values.reduce((a, b) => Math.max(a, b));
  },
  round: (args, site) => {
    const value = site.number(args, 0);
    const digits = args.length > 1 ? site.integer(args, 1) : 0;
    if (!Number.isFinite(value)) return value;
    // half away from zero, on the decimal text so that round(1.005, 2) is 1.01
    const rounded = shift(Math.round(shift(Math.abs(value), digits)), -digits);
    return value < 0 ? -rounded : rounded;
  },
  floor: (args, site) => Math.floor(site.number(args, 0)),
  ceil: (args, site) => Math.ceil(site.number(args, 0)),
  abs: (args, site) => Math.abs(site.number(args, 0)),
  number: (args, site) => {
    const value = args[0];
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string') {
      const parsed = value.trim() === '' ? NaN : Number(value);
      if (Number.isFinite(parsed)) return parsed;
      const shown = value.length > 30 ? `${value.slice(0, 27)}...` : value;
      return site.fail(`can't read the string ${JSON.stringify(shown)} as a number`, 0);
    }
    return site.reject(args, 0, 'a number, a numeric string or a boolean');
  },
} satisfies Partial<Record<BuiltinName, BuiltinImplementation>>;

/** `min([1, 2])` or `min(1, 2)`. */
function numberList(args: readonly unknown[], site: CallSite): readonly number[] {
  if (args.length === 1 && Array.isArray(args[0])) return site.numbers(args, 0);
  args.forEach((value, i) => {
    if (typeof value !== 'number') site.fail(`expects an array of numbers, or numbers, found ${typeName(value)} as argument ${i + 1}`, i);
  });
  return args as readonly number[];
}

/** value × 10^exponent, computed on the decimal text to avoid binary rounding (1.005 × 100 = 100.49999…). */
function shift(value: number, exponent: number): number {
  const [mantissa, power = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(power) + exponent}`);
}
