import { describe, expect, it } from 'vitest';
import { sameFunctionText } from '../../src/dsl/save/function-equality.js';

// Functions that a trusted load imported have been through a transpiler: the saver must still recognise them
// as the functions the file holds, and must still see a real change.
describe('function texts', () => {
  it.each([
    [
      `(input: { total: number; tags: string[] }, previous: Record<string, unknown>): boolean => {
        // a comment
        const label = 'big order';
        return (input.total > 100 && previous['charge'] !== undefined) || input.tags.includes(label);
      }`,
      '(input,previous)=>{const label="big order";return input.total>100&&previous["charge"]!==void 0||input.tags.includes(label)}',
    ],
    ['(x: unknown) => ({ a: x, b: [1, 2, 3,], })', 'x=>({a:x,b:[1,2,3]})'],
    [
      "(x) => { const y = 1000000; let z = 'a' + 'b'; return typeof x === 'undefined' ? y : z; }",
      'x=>{const y=1e6;let z="ab";return typeof x==="undefined"?y:z}',
    ],
    ['function (input) {\n\treturn `n is ${input.n}` === `n is 2`;\n}', 'function(input){return`n is ${input.n}`==="n is 2"}'],
    ['async (a, b,) => { await a; }', 'async(a,b)=>{await a}'],
  ])('a written function and its transpiled text are one function (%#)', (written, transpiled) => {
    expect(sameFunctionText(written, transpiled)).toBe(true);
  });

  it.each([
    ['(a) => a + b * c', '(a) => (a + b) * c'],
    ['(x) => x.total > 100', '(x) => x.total > 200'],
    ['(x) => x?.()', '(x) => x()'],
    ["(x) => x === 'a  b'", "(x) => x === 'a b'"],
    ['(x) => x', '(y) => y'],
    ['(x) => { undefined = 1; }', '(x) => { x = 1; }'],
  ])('%s and %s are different functions', (a, b) => {
    expect(sameFunctionText(a, b)).toBe(false);
  });
});
