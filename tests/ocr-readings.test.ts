/**
 * OCR misreadings (src/core/ocr-readings.ts): a quotation from the printed page against the
 * page's uncorrected OCR. The scan's errors are read past and told; real changes never are.
 */
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { isOcrMisreading } from '../src/core/ocr-readings.js';

describe('isOcrMisreading', () => {
  it.each([
    ['heaped', 'neaped', [0], 'a letter misread at the left margin'],
    ['from', 'rom', [0], 'a letter lost at the left margin'],
    ['the', 'he', [0], 'the first letter of a line lost'],
    ['dealing', 'dealng', [4], 'a letter lost after a line-break hyphen'],
    ['agreement', 'agreenent', [5], 'a letter misread after a line-break hyphen'],
    ['leases', 'lease', [5], 'the last letter of a line lost'],
    ['sich', 'fich', [], 'Fraktur long s read as f'],
    ['besitz', 'befit', [], 'long s as f and tz lost'],
    ['besitzen', 'besigen', [], 'tz read as g'],
    ['modern', 'modem', [], 'rn read as m'],
    ['the', 'tbe', [], 'h read as b inside a word'],
  ] as const)('accepts %s read as %s (%s)', (printed, read, edges, _why) => {
    expect(isOcrMisreading(printed, read, edges)).toBe(true);
  });

  it.each([
    ['heaped', 'neaped', [], 'a misread letter away from any line edge'],
    ['permanent', 'terminable', [0], 'another word'],
    ['he', 'be', [], 'h and b at a word’s start make one real word of another'],
    ['had', 'bad', [], 'the same'],
    ['eat', 'cat', [], 'e and c at a word’s start'],
    ['1894', '1884', [0], 'another number'],
    ['endlich', 'nicht', [0], 'another word'],
    ['besitzungen', 'befigungeu', [], 'three confusions'],
    ['an', 'in', [0], 'two letters: too short to tell'],
    ['天下', '天上', [0], 'unspaced scripts'],
  ] as const)('refuses %s read as %s (%s)', (printed, read, edges, _why) => {
    expect(isOcrMisreading(printed, read, edges)).toBe(false);
  });
});

describe('comparing against OCR text', () => {
  const page = 'THOSE who are familiar with the mass of literature deal-\nng with the vexed question of the origin of the \'colonate,\'\nneaped up by the industry and ingenuity of scholars since\nhe time of von Savigny, will probably turn with impatience\nrom a fresh attempt to give a satisfactory answer.\n';

  it('reads past the scan’s errors, flags each word and tells them in a note and the summary', () => {
    const c = compare('Those who are familiar with the mass of literature dealing with the vexed question of the origin of the \'colonate,\' heaped up by the industry and ingenuity of scholars', page);
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.verdict.summary).toContain('allowing for 2 words the source’s OCR misread (“deal- ng” for “dealing”, …)');
    expect(c.stats).toMatchObject({ alterations: 0, insertions: 0, silentOmissions: 0 });
    const misread = c.segments.filter((s) => s.ocrReading);
    expect(misread.map((s) => [s.kind, s.quoteText?.trim(), s.sourceText?.trim()])).toEqual([
      ['match', 'dealing', 'deal-\nng'],
      ['match', 'heaped', 'neaped'],
    ]);
    expect(c.notes.filter((n) => n.code === 'ocr-misreading')).toHaveLength(2);
    expect(c.fragments[0]!.confidence).toBe('fuzzy');
    // offsets index the texts as given
    for (const s of misread) expect(page.slice(s.source!.start, s.source!.end)).toBe(s.sourceText);
  });

  it('still calls a real change a change, next to a misread word', () => {
    const c = compare('literature dealing with the vexed answer of the origin', page);
    expect(c.verdict.rating).toBe('altered');
    expect(c.segments.find((s) => s.kind === 'alteration')?.quoteText?.trim()).toBe('answer');
    expect(c.segments.some((s) => s.ocrReading)).toBe(true);
  });

  it('never reads a bracketed change as a misreading', () => {
    const c = compare('scholars since [t]he time of von Savigny', page);
    expect(c.segments.some((s) => s.ocrReading)).toBe(false);
  });

  it('leaves clean text alone: a word changed mid-line is an alteration', () => {
    const c = compare('The cat sat on the mat.', 'The cat sat on the hat.');
    expect(c.verdict.rating).toBe('altered');
    expect(c.segments.some((s) => s.ocrReading)).toBe(false);
  });
});

describe('line edges', () => {
  it('are real line breaks only: the first word of a pasted text is no margin', () => {
    const c = compare('Hat sat on the mat.', 'Cat sat on the mat.');
    expect(c.verdict.rating).toBe('altered');
    expect(c.segments.some((s) => s.ocrReading)).toBe(false);
  });
});

describe('on the page', () => {
  it('marks a word the source’s OCR misread, with the quoted word for a screen reader', async () => {
    const { buildComparisonView } = await import('../src/web/comparison-view.js');
    const source = 'scholars since\nhe time of von Savigny, will probably turn';
    const quote = 'scholars since the time of von Savigny';
    const view = buildComparisonView(compare(quote, source), quote, source);
    const misread = view.sourceRuns.filter((r) => r.ocrReading);
    expect(misread.map((r) => [r.kind, r.text.trim(), r.otherText?.trim()])).toEqual([['match', 'he', 'the']]);
    expect(view.sourceRuns.filter((r) => r.kind === 'alteration')).toEqual([]);
  });
});
