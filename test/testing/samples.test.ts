import { describe, expect, it } from 'vitest';
import { applyHints, contextFields, eventHints } from '../../src/testing/guard-analysis.js';
import { distinct, enumVariants, sampleFromSchema } from '../../src/testing/samples.js';

describe('sampleFromSchema', () => {
  it('prefers what the schema says: examples, default, const, enum', () => {
    expect(sampleFromSchema({ type: 'string', examples: ['a@b.c', 'x'] })).toBe('a@b.c');
    expect(sampleFromSchema({ type: 'number', default: 7 })).toBe(7);
    expect(sampleFromSchema({ const: 'fixed' })).toBe('fixed');
    expect(sampleFromSchema({ enum: ['low', 'high'] })).toBe('low');
  });

  it('builds one from the type otherwise, every declared property included', () => {
    expect(
      sampleFromSchema({
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string', minLength: 8 },
          email: { type: 'string', format: 'email' },
          qty: { type: 'integer', minimum: 3 },
          ratio: { type: 'number', exclusiveMinimum: 0.5 },
          ok: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string' } },
          lines: { type: 'array', minItems: 1, items: { type: 'object', properties: { sku: { type: 'string' } } } },
          note: { type: ['null', 'string'] },
          any: { anyOf: [{ type: 'number' }, { type: 'string' }] },
        },
      }),
    ).toEqual({ id: 'samplexx', email: 'sample@example.com', qty: 3, ratio: 1.5, ok: true, tags: [], lines: [{ sku: 'sample' }], note: 'sample', any: 1 });
    expect(sampleFromSchema(undefined)).toEqual({});
    expect(sampleFromSchema({ type: 'null' })).toBeNull();
  });

  it('varies each top-level enum', () => {
    const schema = { type: 'object', properties: { priority: { enum: ['low', 'normal', 'urgent'] }, role: { enum: ['a', 'b'] } } };
    const base = sampleFromSchema(schema);
    expect(base).toEqual({ priority: 'low', role: 'a' });
    expect(enumVariants(schema, base)).toEqual([
      { priority: 'normal', role: 'a' },
      { priority: 'urgent', role: 'a' },
      { priority: 'low', role: 'b' },
    ]);
    expect(distinct([{ a: 1 }, { a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('guard analysis: events that make a guard hold', () => {
  it('reads comparisons with literals, on either side', () => {
    expect(eventHints('event.amount > 0')).toEqual([[{ path: ['amount'], value: 1 }]]);
    expect(eventHints('10 >= event.amount')).toEqual([[{ path: ['amount'], value: 10 }]]);
    expect(eventHints('event.amount < -2')).toEqual([[{ path: ['amount'], value: -3 }]]);
    expect(eventHints('event.flowId == "checkout" and event.error.name == "CardDeclined"')).toEqual([
      [
        { path: ['flowId'], value: 'checkout' },
        { path: ['error', 'name'], value: 'CardDeclined' },
      ],
    ]);
    expect(eventHints('event.role in ["legal", "finance"]')).toEqual([[{ path: ['role'], value: 'legal' }]]);
    expect(eventHints('event.urgent')).toEqual([[{ path: ['urgent'], value: true }]]);
    expect(eventHints('not event.muted')).toEqual([[{ path: ['muted'], value: false }]]);
  });

  it('gives one way per side of an or, and nothing for what the event cannot decide', () => {
    expect(eventHints('event.kind == "a" or event.kind == "b"')).toEqual([[{ path: ['kind'], value: 'a' }], [{ path: ['kind'], value: 'b' }]]);
    expect(eventHints('context.priority == "urgent"')).toEqual([]);
    expect(eventHints('event.kind != "a"')).toEqual([]);
    expect(eventHints('not a valid (')).toEqual([]);
  });

  it('keeps references to what the event is compared with, resolved where it is sent', () => {
    const hints = eventHints('event.documentId == input.documentId and event.reviewer == input.reviewers.legal');
    expect(hints).toEqual([
      [
        { path: ['documentId'], ref: ['input', 'documentId'] },
        { path: ['reviewer'], ref: ['input', 'reviewers', 'legal'] },
      ],
    ]);
    const scope = { input: { documentId: 'd-1', reviewers: { legal: 'lee' } } };
    expect(applyHints({ documentId: 'sample', decision: 'approve' }, hints[0] ?? [], scope)).toEqual({ documentId: 'd-1', decision: 'approve', reviewer: 'lee' });
    // A reference that reads nothing is left out.
    expect(applyHints({ a: 1 }, [{ path: ['b'], ref: ['input', 'missing'] }], {})).toEqual({ a: 1 });
  });

  it('reads the same for a flow input', () => {
    expect(eventHints('input.level >= 2', 'input')).toEqual([[{ path: ['level'], value: 2 }]]);
    expect(eventHints('input.level >= 2')).toEqual([]);
  });

  it('applies hints to a copy, creating objects on the way', () => {
    const base = { error: 'x' };
    expect(applyHints(base, [{ path: ['error', 'name'], value: 'Declined' }])).toEqual({ error: { name: 'Declined' } });
    expect(base).toEqual({ error: 'x' });
    expect(applyHints({ a: 1 }, [{ path: [], value: 'whole' }])).toBe('whole');
  });
});

describe('contextFields: what a guard reads of the context', () => {
  it('lists top-level fields, or undefined for the whole context', () => {
    expect(contextFields('context.priority == "urgent" and context.limits.max > event.n')).toEqual(['priority', 'limits']);
    expect(contextFields('event.amount > 0')).toEqual([]);
    expect(contextFields('len(context) > 2')).toBeUndefined();
    expect(contextFields('context[event.key] == 1')).toBeUndefined();
  });
});
