/**
 * The view model of the side-by-side page (src/web/comparison-view.ts) and the
 * comparison cache (src/web/comparison-cache.ts): every character of both texts shown
 * exactly once, counterparts that exist, differences in reading order, the verdict,
 * and the debate view's heat map. Mostly through the real compare(); hand-built
 * comparisons cover what the engine rarely emits (unfound fragments, overlaps).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import type { Comparison } from '../src/core/types.js';
import { ComparisonCache, comparisonKey, sourceDigest } from '../src/web/comparison-cache.js';
import {
  buildComparisonView,
  buildDebateView,
  STRIP_MIN_SOURCE_LENGTH,
  summarise,
  type Run,
} from '../src/web/comparison-view.js';

const MARKERS = new Set(['badge', 'silent-cut', 'insertion-point']);

/** The text a column shows, markers left out: must be the text as given. */
function shownText(runs: Run[]): string {
  return runs.filter((r) => !MARKERS.has(r.kind)).map((r) => r.text).join('');
}

/** Compact form: "=The committee · -[not] · +[very]" (kinds of the runs that carry text). */
function compact(runs: Run[]): string {
  const sign: Record<string, string> = {
    match: '=', context: '~', outside: '_', 'omission-marked': '-…', 'omission-silent': '-!', 'insertion-editorial': '+[]',
    'insertion-unbracketed': '+', alteration: '≠', ellipsis: '…', unfound: '?', plain: '', 'silent-cut': '✂', 'insertion-point': '⁁', badge: '#',
  };
  return runs.map((r) => `${sign[r.kind]}${r.kind === 'badge' ? r.text : r.text.trim()}`).join(' · ');
}

const SOURCE = 'Before the vote, members talked. The committee said the plan was not good and that it should not proceed until it is revised. Several members spoke. Nobody objected. Then they went home. The end came later.';
// "[indeed]" stands where the source has nothing (an editorial insertion); "not" is cut twice with no ellipsis
const QUOTE = 'The committee said the plan was good [indeed] and that it should proceed. ... Nobody objected.';

describe('buildComparisonView', () => {
  const comparison = compare(QUOTE, SOURCE);
  const view = buildComparisonView(comparison, QUOTE, SOURCE, { idPrefix: 'x-' });

  it('shows the quotation exactly as printed and the source region exactly as given', () => {
    expect(shownText(view.quoteRuns)).toBe(QUOTE);
    const sourceText = shownText(view.sourceRuns);
    expect(SOURCE).toContain(sourceText);
    expect(sourceText).toContain('The committee said the plan was not good');
  });

  it('marks both silent cuts on both sides and the marked cut on the ellipsis', () => {
    const silent = view.sourceRuns.filter((r) => r.kind === 'omission-silent');
    expect(silent.map((r) => r.text.trim())).toEqual(['not', 'not']);
    const cuts = view.quoteRuns.filter((r) => r.kind === 'silent-cut');
    expect(cuts).toHaveLength(2);
    expect(cuts.map((c) => c.counterpart)).toEqual(silent.map((s) => s.id));
    const marked = view.sourceRuns.find((r) => r.kind === 'omission-marked');
    expect(marked?.text).toContain('until it is revised');
    const ellipsis = view.quoteRuns.find((r) => r.kind === 'ellipsis');
    expect(ellipsis?.counterpart).toBe(marked?.id);
    expect(ellipsis?.text).toMatch(/\.\s?\.\s?\./);
  });

  it('links every run to a counterpart that exists, and prefixes every id', () => {
    const ids = new Set([...view.quoteRuns, ...view.sourceRuns].map((r) => r.id).filter(Boolean));
    for (const run of [...view.quoteRuns, ...view.sourceRuns]) {
      if (run.id) expect(run.id.startsWith('x-')).toBe(true);
      if (run.counterpart) expect(ids.has(run.counterpart), `${run.kind} → ${run.counterpart}`).toBe(true);
    }
    const linkedCues = view.cues.filter((cue) => cue.href);
    expect(linkedCues.length).toBeGreaterThan(0);
    for (const cue of linkedCues) expect(ids.has(cue.href!.slice(1))).toBe(true);
  });

  it('marks where the quotation inserts words in the source, bracketed or not', () => {
    const point = view.sourceRuns.find((r) => r.kind === 'insertion-point');
    expect(point?.otherText).toContain('indeed');
    expect(point?.editorial).toBe(true);
    const quote = 'The committee said the plan was not truly good';
    const bare = buildComparisonView(compare(quote, SOURCE), quote, SOURCE).sourceRuns.find((r) => r.kind === 'insertion-point');
    expect(bare?.otherText?.trim()).toBe('truly');
    expect(bare?.editorial).toBe(false);
  });

  it('numbers the differences in reading order and puts each number on a focusable run', () => {
    // (where the engine puts an insertion beside an omission at the same place is its choice)
    expect(view.differences.map((d) => d.kind).sort()).toEqual(['insertion-editorial', 'omission-marked', 'omission-silent', 'omission-silent']);
    expect(view.differences.map((d) => d.number)).toEqual([1, 2, 3, 4]);
    expect(view.differences.at(-1)?.kind).toBe('omission-marked');
    const order = view.differences.map((d) => comparison.segments.findIndex((_, i) => d.targetId.endsWith(`q${i}`) || d.targetId.endsWith(`s${i}`)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const difference of view.differences) {
      const target = [...view.quoteRuns, ...view.sourceRuns].find((r) => r.id === difference.targetId);
      expect(target?.difference).toBe(difference.number);
    }
  });

  it('draws a badge for each found fragment on both sides, linked to each other', () => {
    const quoteBadges = view.quoteRuns.filter((r) => r.kind === 'badge');
    const sourceBadges = view.sourceRuns.filter((r) => r.kind === 'badge');
    expect(quoteBadges.map((b) => b.text)).toEqual(['1', '2']);
    expect(sourceBadges.map((b) => b.text)).toEqual(['1', '2']);
    expect(quoteBadges.map((b) => b.counterpart)).toEqual(sourceBadges.map((b) => b.id));
  });

  it("shows the engine's verdict as it is, with its icon and word", () => {
    expect(view.summary.verdict.rating).toBe(comparison.verdict.rating);
    expect(view.summary.verdict.summary).toBe(comparison.verdict.summary);
    expect(view.summary.verdict.rating).toBe('silent-omission');
    expect(view.summary.verdict.word).toBe('Silent omission');
    expect(view.summary.counts).toMatch(/2 silent omissions/);
  });

  it("'whole' shows every character of the source, beyond the context as outside", () => {
    const longSource = `${'An opening sentence that nobody quotes. '.repeat(6)}${SOURCE} ${'A closing sentence far away. '.repeat(6)}`;
    const whole = buildComparisonView(compare(QUOTE, longSource, { contextSentences: 0 }), QUOTE, longSource, { mode: 'whole' });
    expect(shownText(whole.sourceRuns)).toBe(longSource);
    expect(whole.sourceRuns[0]?.kind).toBe('outside');
    expect(whole.sourceRuns.at(-1)?.kind).toBe('outside');
    expect(whole.sourceCutBefore).toBe(false);
    expect(whole.sourceCutAfter).toBe(false);
    const region = buildComparisonView(compare(QUOTE, longSource, { contextSentences: 0 }), QUOTE, longSource);
    expect(region.sourceCutBefore).toBe(true);
    expect(region.sourceRuns.some((r) => r.kind === 'outside')).toBe(false);
  });

  it('only-differences drops context and shortens long matches to their ends', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const source = `Context first. ${words} and then a cut here and the end. Context last.`;
    const quote = `${words} and the end.`;
    const view = buildComparisonView(compare(quote, source), quote, source, { onlyDifferences: true });
    expect(view.sourceRuns.some((r) => r.kind === 'context')).toBe(false);
    const collapsed = view.sourceRuns.find((r) => r.hiddenWords !== undefined);
    expect(collapsed?.text).toBe('word0 word1 word2 word3 word4');
    expect(collapsed?.tail).toMatch(/word29 and then|word2[5-9]/);
    expect(view.sourceRuns.some((r) => r.kind === 'omission-silent')).toBe(true);
  });

  it('puts a density strip on long sources only, each mark pointing at a run', () => {
    expect(view.strip).toEqual([]);
    const longSource = `${'Filler text before the passage. '.repeat(60)}${SOURCE}`;
    expect(longSource.length).toBeGreaterThan(STRIP_MIN_SOURCE_LENGTH);
    const long = buildComparisonView(compare(QUOTE, longSource), QUOTE, longSource);
    expect(long.strip.length).toBeGreaterThan(0);
    const ids = new Set(long.sourceRuns.map((r) => r.id));
    for (const mark of long.strip) {
      expect(ids.has(mark.href.slice(1))).toBe(true);
      expect(mark.top).toBeGreaterThanOrEqual(0);
      expect(mark.top + mark.height).toBeLessThanOrEqual(1004);
    }
    expect(long.strip.some((m) => m.kind === 'omission-silent')).toBe(true);
  });
});

describe('buildComparisonView on comparisons the engine rarely emits', () => {
  const stats = { quotedWords: 2, omittedWords: 0, markedOmissions: 0, silentOmissions: 0, insertions: 0, alterations: 0, editorialChanges: 0 };

  it('shows an unfound fragment as not found, even where a segment also claims it', () => {
    const quote = 'alpha beta ... gamma delta';
    const source = 'Zero. alpha beta omega.';
    const comparison: Comparison = {
      version: 1, found: true, span: { start: 6, end: 16 }, reordered: false, notes: [], cues: [], stats, ellipses: [{ start: 11, end: 14 }],
      verdict: { rating: 'partly-found', summary: 'One part of this quotation is not in the source.', reasons: [{ code: 'fragment-not-found', segment: 2 }] },
      fragments: [
        { quote: { start: 0, end: 10 }, found: true, source: { start: 6, end: 16 } },
        { quote: { start: 15, end: 26 }, found: false, source: null },
      ],
      segments: [
        { kind: 'context-before', source: { start: 0, end: 6 } },
        { kind: 'match', quote: { start: 0, end: 10 }, source: { start: 6, end: 16 }, fragment: 0 },
        { kind: 'insertion', quote: { start: 15, end: 26 }, editorial: false, fragment: 1 },
        { kind: 'context-after', source: { start: 16, end: 23 } },
      ],
    };
    const view = buildComparisonView(comparison, quote, source);
    expect(shownText(view.quoteRuns)).toBe(quote);
    expect(shownText(view.sourceRuns)).toBe(source);
    expect(compact(view.quoteRuns)).toBe('#1 · =alpha beta ·  · …... ·  · ?gamma delta');
    expect(view.differences.map((d) => d.kind)).toEqual(['unfound']);
    expect(view.sourceRuns.some((r) => r.kind === 'insertion-point')).toBe(false);
    expect(view.summary.verdict.rating).toBe(comparison.verdict.rating);
    expect(view.summary.counts).toMatch(/1 fragment of 2 not found/);
  });

  it('paints overlapping segments without showing any character twice', () => {
    const source = 'one two three four five';
    const comparison: Comparison = {
      version: 1, found: true, span: { start: 0, end: 23 }, reordered: true, notes: [], cues: [], stats, ellipses: [],
      verdict: { rating: 'silent-omission', summary: 'Words of the source are left out with no ellipsis where they were cut: “four”.', reasons: [{ code: 'silent-omission', segment: 1 }] },
      fragments: [{ quote: { start: 0, end: 7 }, found: true, source: { start: 0, end: 13 } }],
      segments: [
        { kind: 'match', quote: { start: 0, end: 7 }, source: { start: 0, end: 13 } },
        { kind: 'omission', source: { start: 8, end: 18 }, marked: false },
      ],
    };
    const view = buildComparisonView(comparison, 'one two', source);
    expect(shownText(view.sourceRuns)).toBe(source);
    expect(compact(view.sourceRuns)).toBe('#1 · =one two three · -!four · five');
    expect(view.summary.verdict.summary).toBe(comparison.verdict.summary);
    expect(view.summary.counts).toContain('fragments reordered');
  });

  it('says "not found" plainly and shows the start of the source', () => {
    const source = 'Nothing here matches. '.repeat(200);
    const comparison = compare('entirely different words altogether', source);
    const view = buildComparisonView(comparison, 'entirely different words altogether', source);
    expect(view.summary.verdict.rating).toBe('not-found');
    expect(view.summary.verdict.word).toBe('Not found');
    expect(shownText(view.sourceRuns).length).toBeLessThanOrEqual(2000);
    expect(source.startsWith(shownText(view.sourceRuns))).toBe(true);
    expect(view.sourceCutAfter).toBe(true);
  });
});

describe('summarise', () => {
  it('calls a verbatim quotation verbatim, with the check mark', () => {
    const source = 'First sentence here. The quoted sentence stands whole. Last one.';
    const comparison = compare('The quoted sentence stands whole.', source);
    const summary = summarise(comparison);
    expect(summary.verdict.rating).toBe('verbatim');
    expect(summary.verdict.icon).toBe('✓');
    expect(summary.verdict.summary).toBe(comparison.verdict.summary);
    expect(summary.counts).toBe('5 words quoted, none left out.');
  });
});

describe('buildDebateView', () => {
  const dir = 'data/cases/service-stalin-resignation';
  const source = readFileSync(`${dir}/source.txt`, 'utf8');
  const quotes = [readFileSync(`${dir}/quotation-1.txt`, 'utf8').trim(), readFileSync(`${dir}/quotation-2.txt`, 'utf8').trim()];
  const debate = buildDebateView(quotes.map((quote) => ({ quote, comparison: compare(quote, source) })), source);

  it('covers the shared region once, each stretch with the quotations that reproduce it', () => {
    expect(source).toContain(debate.heatRuns.map((r) => r.text).join(''));
    for (const run of debate.heatRuns) expect(run.count).toBe(run.quotedBy.length);
    expect(debate.maxCount).toBeLessThanOrEqual(2);
  });

  it('shows that the blog kept the letter and the commenter kept the frame around it', () => {
    const quotedBy = (phrase: string): number[] | undefined => debate.heatRuns.find((r) => r.text.includes(phrase))?.quotedBy;
    expect(quotedBy('Alexei Rykov')).toEqual([0]);
    expect(quotedBy('an extremely sensitive bully')).toEqual([1]);
    expect(quotedBy('Of course he wanted to be persuaded')).toEqual([1]);
  });

  it('gives each quotation a lane over the same stretch of the source, with its own id prefix', () => {
    expect(debate.lanes.map((l) => l.view.idPrefix)).toEqual(['c0-', 'c1-']);
    const [blog, commenter] = debate.lanes.map((l) => shownText(l.view.sourceRuns));
    expect(blog).toBe(commenter);
    expect(blog).toContain('He was an extremely sensitive bully');
    const blogBully = debate.lanes[0]!.view.sourceRuns.find((r) => r.text.includes('sensitive bully'));
    expect(['context', 'outside']).toContain(blogBully?.kind);
    const commenterLetter = debate.lanes[1]!.view.sourceRuns.find((r) => r.text.includes('Alexei Rykov'));
    expect(commenterLetter?.kind).toBe('omission-marked');
  });
});

describe('property: every character shown once', () => {
  it('for quotations cut from random sources, in both modes', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 60 }), fc.nat(), fc.nat(), fc.boolean(), (words, a, b, ellipsis) => {
        const source = `${words.join(' ')}.`;
        const from = a % (words.length - 3);
        const to = from + 2 + (b % (words.length - from - 2));
        const picked = words.slice(from, to);
        const cut = Math.floor(picked.length / 2);
        const quote = ellipsis ? `${picked.slice(0, cut).join(' ')} ... ${picked.slice(cut + 1).join(' ')}` : picked.filter((_, i) => i !== cut).join(' ');
        if (quote.trim() === '' || /^\s*\.\.\.\s*$/.test(quote)) return;
        const comparison = compare(quote, source);
        const whole = buildComparisonView(comparison, quote, source, { mode: 'whole' });
        expect(shownText(whole.quoteRuns)).toBe(quote);
        expect(shownText(whole.sourceRuns)).toBe(source);
        const region = buildComparisonView(comparison, quote, source);
        expect(source).toContain(shownText(region.sourceRuns));
      }),
      { numRuns: 150 },
    );
  });
});

describe('ComparisonCache', () => {
  const digest = sourceDigest(SOURCE);

  it('keeps comparisons by key, bounded by their size, and evicts the least recently used', () => {
    const said = compare('said the plan', SOURCE);
    const nobody = compare('Nobody objected', SOURCE);
    const cache = new ComparisonCache({ maxBytes: 2_000 });
    cache.set('a', said, 900);
    cache.set('b', nobody, 900);
    expect(cache.get('a')).toBe(said); // touch: now the most recent
    cache.set('c', said, 900); // evicts b, the least recently used
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(said);
    // a comparison larger than the whole cache is not kept
    cache.set('huge', said, 5_000);
    expect(cache.get('huge')).toBeUndefined();
  });

  it('remembers that a job outran its budget, apart from the comparisons', () => {
    const cache = new ComparisonCache();
    cache.markOverBudget('job', { scope: 'case', budgetMs: 150 });
    expect(cache.overBudget('job')).toEqual({ scope: 'case', budgetMs: 150 });
    expect(cache.get('job')).toBeUndefined();
    expect(cache.overBudget('other')).toBeUndefined();
  });

  it('keys cannot collide by moving text between quotation and source, and differ by options', () => {
    expect(comparisonKey('ab', sourceDigest('c'))).not.toBe(comparisonKey('a', sourceDigest('bc')));
    expect(comparisonKey('a', digest, { contextSentences: 1 })).not.toBe(comparisonKey('a', digest));
    expect(comparisonKey('a', digest, { contextSentences: undefined })).toBe(comparisonKey('a', digest));
    expect(comparisonKey('a', digest, { contextSentences: 1, contextWords: 2 })).toBe(comparisonKey('a', digest, { contextWords: 2, contextSentences: 1 }));
  });
});
