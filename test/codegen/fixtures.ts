// A small system and scripted model answers for the code generation tests.
import { defineSystem } from '../../src/index.js';

export const shop = defineSystem({
  id: 'shop',
  description: 'A shop',
  tasks: {
    addTax: {
      description: 'Adds VAT at the given rate to a net amount, rounded to cents',
      input: {
        type: 'object',
        required: ['net', 'rate'],
        properties: { net: { type: 'number' }, rate: { type: 'number', minimum: 0 } },
        additionalProperties: false,
      },
      output: { type: 'object', required: ['gross'], properties: { gross: { type: 'number' } }, additionalProperties: false },
      retry: { maxAttempts: 2, initialDelay: '10ms', nonRetryable: ['InvalidRate'] },
      timeout: '1s',
      examples: [{ input: { net: 10, rate: 0.2 }, output: { gross: 12 }, description: 'twenty percent' }],
    },
    // No examples: with includeTests false, verifying it is a type check alone (no vitest run).
    slugify: {
      description: 'Turns a title into a URL slug',
      input: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } },
      output: { type: 'object', required: ['slug'], properties: { slug: { type: 'string' } } },
    },
  },
  flows: {
    price: {
      input: { type: 'object', required: ['net', 'rate'], properties: { net: { type: 'number', default: 10 }, rate: { type: 'number', default: 0.2 } } },
      steps: [
        { id: 'tax', type: 'task', task: 'addTax' },
        { id: 'slug', type: 'task', task: 'slugify', input: '{ "title": "Gross " + steps.tax.gross }' },
      ],
    },
  },
});

/** Returns a string where the output type wants a number. */
export const addTaxWrongType = {
  code: `import type { AddTaxInput, AddTaxOutput } from './addTax.types.js';

export default async function addTax(input: AddTaxInput): Promise<AddTaxOutput> {
  return { gross: (input.net * (1 + input.rate)).toFixed(2) };
}
`,
  tests: '',
};

/** Type-checks, but multiplies by the rate instead of adding it. */
export const addTaxWrongMath = {
  code: `import type { AddTaxInput, AddTaxOutput } from './addTax.types.js';

export default async function addTax(input: AddTaxInput): Promise<AddTaxOutput> {
  return { gross: input.net * input.rate };
}
`,
  tests: `import { describe, expect, it } from 'vitest';
import addTax from './addTax.js';

describe('addTax', () => {
  it('adds a quarter', async () => {
    expect(await addTax({ net: 100, rate: 0.25 })).toEqual({ gross: 125 });
  });
});
`,
};

/** Correct; reads the task context, so its test goes through the runtime as the prompt asks. */
export const addTaxCorrect = {
  code: `import { getTaskContext, TaskFailure } from 'runtime-core';
import type { AddTaxInput, AddTaxOutput } from './addTax.types.js';

/** Adds VAT; a negative rate is never retried. */
export default async function addTax(input: AddTaxInput): Promise<AddTaxOutput> {
  const { signal } = getTaskContext();
  signal.throwIfAborted();
  if (input.rate < 0) throw new TaskFailure('InvalidRate', 'rate must not be negative', { nonRetryable: true });
  return { gross: Math.round(input.net * (1 + input.rate) * 100) / 100 };
}
`,
  tests: `import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime } from 'runtime-core';
import addTax from './addTax.js';

describe('addTax', () => {
  it('adds a quarter', async () => {
    const runtime = new ReactiveSystemRuntime({ id: 'test', tasks: { addTax: {} } }, { logger: {} });
    runtime.registerTaskImplementation('addTax', addTax);
    const result = await runtime.executeTask('addTax', { net: 100, rate: 0.25 });
    runtime.stop();
    expect(result).toMatchObject({ success: true, output: { gross: 125 } });
  });
});
`,
};

export const slugifyCorrect = {
  code: `import type { SlugifyInput, SlugifyOutput } from './slugify.types.js';

export default function slugify(input: SlugifyInput): SlugifyOutput {
  return { slug: input.title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') };
}
`,
  tests: '',
};
