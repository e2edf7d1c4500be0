import { describe, expect, it } from 'vitest';
import { choosePlacement, findCandidates, isConvincing, positionsOfKeys, prepareSource } from '../src/core/locate.js';
import { tokenize } from '../src/core/text.js';

function candidatesFor(fragment: string, source: string) {
  const prepared = prepareSource(source);
  const keys = tokenize(fragment).keys;
  return findCandidates(keys, prepared.tokens.keys, positionsOfKeys(prepared, new Set(keys)));
}

describe('findCandidates', () => {
  it('places a fragment of four or more words only where it stands word for word, when it does', () => {
    const source = 'the cat sat on a mat. Elsewhere the cat sat on the red mat today.';
    const candidates = candidatesFor('the cat sat on the red mat', source);
    expect(candidates).toEqual([{ start: 7, end: 14, matched: 7, score: 1 }]);
  });
  it('ranks the exact placement of a short fragment above a partial lookalike', () => {
    const source = 'the cat on a mat. Elsewhere the cat sat today.';
    const [best, second] = candidatesFor('the cat sat', source);
    expect(best!.matched).toBe(3);
    expect(best!.matched).toBeGreaterThan(second!.matched);
  });
  it('finds nothing when no word occurs', () => {
    expect(candidatesFor('zebra quagga', 'the cat sat')).toEqual([]);
  });
  it('indexes a source on its second use and answers the same', () => {
    const prepared = prepareSource('a b c a b c');
    const first = positionsOfKeys(prepared, ['a', 'c']);
    expect(prepared.index).toBeUndefined();
    const second = positionsOfKeys(prepared, ['a', 'c']);
    expect(prepared.index).toBeDefined();
    expect(second).toEqual(first);
  });
});

describe('isConvincing', () => {
  it('asks short fragments to match whole and long ones mostly', () => {
    expect(isConvincing({ start: 0, end: 3, matched: 2, score: 2 / 3 }, 3)).toBe(false);
    expect(isConvincing({ start: 0, end: 3, matched: 3, score: 1 }, 3)).toBe(true);
    expect(isConvincing({ start: 0, end: 20, matched: 13, score: 0.65 }, 20)).toBe(true);
    expect(isConvincing({ start: 0, end: 20, matched: 10, score: 0.5 }, 20)).toBe(false);
  });
});

describe('choosePlacement', () => {
  it('keeps fragments in order and close together', () => {
    const near = { start: 10, end: 14, matched: 4, score: 1 };
    const far = { start: 900, end: 904, matched: 4, score: 1 };
    const first = { start: 0, end: 4, matched: 4, score: 1 };
    const placement = choosePlacement([[first], [far, near]], [4, 4]);
    expect(placement.chosen[1]).toBe(near);
    expect(placement.alternatives[1]).toEqual([far]);
  });
  it('leaves a fragment with no convincing candidate unplaced', () => {
    const weak = { start: 0, end: 5, matched: 1, score: 0.2 };
    expect(choosePlacement([[weak]], [5]).chosen).toEqual([null]);
  });
});
