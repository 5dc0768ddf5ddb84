import { describe, expect, it } from '@jest/globals';
import { valueAt } from './json-path.js';

describe('valueAt (JSONPath-like paths)', () => {
  const doc = { data: { items: [{ name: 'A', tags: ['x'] }, { name: 'B' }] }, 'odd-key': 1 };

  it('follows dots and indexes, with or without a leading $', () => {
    expect(valueAt(doc, 'data.items[1].name')).toBe('B');
    expect(valueAt(doc, '$.data.items.0.tags[0]')).toBe('x');
    expect(valueAt(doc, 'odd-key')).toBe(1);
    expect(valueAt(doc, '$')).toBe(doc);
    expect(valueAt(doc, '')).toBe(doc);
  });

  it('answers undefined for what is not there', () => {
    expect(valueAt(doc, 'data.items[5].name')).toBeUndefined();
    expect(valueAt(doc, 'data.items[0].name.first')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
  });
});
