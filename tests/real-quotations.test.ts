/**
 * Real quotations the engine was never tuned on (tests/real-quotations/manifest.json):
 * each gets the rating written down before the engine first ran on it, and on every one
 * nothing faithful is called changed and no bracketed change is called a silent omission.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import type { Rating } from '../src/core/types.js';

interface Manifest {
  texts: Record<string, { file: string; repository: string; path: string; commit: string; language: string }>;
  quotations: Array<{ id: string; text: string; quote: string; expected: Rating; why: string }>;
}

const root = new URL('./real-quotations/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8')) as Manifest;
const texts = new Map(Object.entries(manifest.texts).map(([key, t]) => [key, readFileSync(new URL(t.file, root), 'utf8')]));
const FAITHFUL: Rating[] = ['verbatim', 'marked-omission', 'meaning-at-risk'];

describe('real quotations', () => {
  it('records where every text comes from', () => {
    for (const t of Object.values(manifest.texts)) {
      expect(t.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(t.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(t.path).not.toBe('');
    }
  });

  it.each(manifest.quotations.map((q) => [q.id, q] as const))('%s', (_id, q) => {
    const source = texts.get(q.text)!;
    const c = compare(q.quote, source);
    expect({ rating: c.verdict.rating, summary: c.verdict.summary }).toMatchObject({ rating: q.expected });
    if (FAITHFUL.includes(q.expected)) {
      // nothing faithful is called changed
      expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0 });
    }
    // news-style quotations in pieces: the writer's words around the quoted pieces are no change
    if (q.id.includes('-news-')) {
      expect(c.paraphrase!.length).toBeGreaterThan(0);
      expect(c.stats).toMatchObject({ silentOmissions: 0, insertions: 0, alterations: 0 });
    }
    // no bracketed change is ever called a silent omission
    c.segments.forEach((s, k) => {
      if (!s.editorial) return;
      for (const near of [c.segments[k - 1], c.segments[k + 1]]) {
        expect(near?.kind === 'omission' && !near.marked).toBe(false);
      }
    });
  }, 30_000);
});
