/**
 * The contract's tiling of the source (docs/contract.md, "Segments"): the match, omission
 * and alteration segments cover the comparison's span in order, with no gap and no overlap.
 */
import { expect } from 'vitest';
import type { Comparison } from '../../src/core/types.js';

export function expectSourceSpanTiled(c: Comparison): void {
  if (!c.span) return;
  const pieces = c.segments
    .filter((s) => s.source && (s.kind === 'match' || s.kind === 'omission' || s.kind === 'alteration'))
    .map((s) => s.source!)
    .sort((a, b) => a.start - b.start);
  expect(pieces[0]!.start).toBe(c.span.start);
  for (let k = 1; k < pieces.length; k++) expect(pieces[k]!.start).toBe(pieces[k - 1]!.end);
  expect(pieces[pieces.length - 1]!.end).toBe(c.span.end);
}
