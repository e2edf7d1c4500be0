import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { codePointCounter, renderCaseWebAnnotation, renderWebAnnotation } from '../src/export/web-annotation.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

interface Selector {
  type: string;
  exact?: string;
  prefix?: string;
  suffix?: string;
  start?: number;
  end?: number;
}
interface Annotation {
  id: string;
  type: string;
  motivation: string;
  body: { value: string } | Array<{ value: string; purpose: string }>;
  target: { source: string; selector: Selector[] };
}

/**
 * A simple anchoring matcher, as a client would do it: find prefix + exact + suffix in the
 * text, and give the exact's position in code points.
 */
function anchor(text: string, selector: Selector): { start: number; end: number } | null {
  const needle = `${selector.prefix}${selector.exact}${selector.suffix}`;
  const at = text.indexOf(needle);
  if (at < 0) return null;
  const startUnits = at + selector.prefix!.length;
  const start = Array.from(text.slice(0, startUnits)).length;
  return { start, end: start + Array.from(selector.exact!).length };
}

function annotationsOf(json: string): Annotation[] {
  const collection = JSON.parse(json);
  expect(collection['@context']).toBe('http://www.w3.org/ns/anno.jsonld');
  expect(collection.type).toBe('AnnotationCollection');
  expect(collection.total).toBe(collection.first.items.length);
  return collection.first.items as Annotation[];
}

function valueOf(annotation: Annotation): string {
  return Array.isArray(annotation.body) ? annotation.body.map((b) => b.value).join(' ') : annotation.body.value;
}

describe('Web Annotation export', () => {
  const input = hostileInput();
  const all = annotationsOf(renderWebAnnotation(input));
  // Every annotation but the verdict anchors on the source.
  const annotations = all.filter((a) => !a.id.endsWith(':verdict'));

  it('has one annotation per fragment and per omission, and the verdict, all "assessing"', () => {
    const omissions = input.comparison.segments.filter((s) => s.kind === 'omission').length;
    expect(all).toHaveLength(input.comparison.fragments.length + omissions + 1);
    expect(all.every((a) => a.type === 'Annotation' && a.motivation === 'assessing')).toBe(true);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    expect(all.filter((a) => a.id.includes(':omission-'))).toHaveLength(omissions);
  });

  it("carries the engine's verdict on the whole quotation: its summary and its rating's word", () => {
    const verdict = all.at(-1)!;
    expect(verdict.id).toMatch(/:verdict$/);
    expect(verdict.body).toEqual([
      expect.objectContaining({ value: input.comparison.verdict.summary, purpose: 'assessing' }),
      expect.objectContaining({ purpose: 'classifying' }),
    ]);
    const selector = verdict.target.selector.find((s) => s.type === 'TextQuoteSelector')!;
    expect(selector.exact).toBe(input.quote);
  });

  it('re-anchors every selector on the source at the same code-point offsets', () => {
    for (const annotation of annotations) {
      const quote = annotation.target.selector.find((s) => s.type === 'TextQuoteSelector')!;
      const position = annotation.target.selector.find((s) => s.type === 'TextPositionSelector')!;
      expect(anchor(input.source, quote)).toEqual({ start: position.start, end: position.end });
      expect(Array.from(input.source).slice(position.start, position.end).join('')).toBe(quote.exact);
    }
  });

  it('counts code points, not UTF-16 units, after an astral character', () => {
    const first = input.comparison.fragments[0]!.source!;
    const position = annotations[0]!.target.selector.find((s) => s.type === 'TextPositionSelector')!;
    // The emoji before the fragment is two UTF-16 units and one code point.
    expect(position.start).toBe(first.start - 1);
  });

  it('annotates an unlocated fragment on the quotation and says so', () => {
    const quote = 'The plan was approved … the weather was lovely today';
    const source = 'The plan was approved by the board at last.';
    const items = annotationsOf(renderWebAnnotation({ comparison: compare(quote, source), quote, source }));
    const missing = items.find((a) => a.id.includes(':fragment-') && /not found/.test(valueOf(a)))!;
    expect(missing.target.source).toMatch(/^urn:elision:quotation:/);
    const selector = missing.target.selector.find((s) => s.type === 'TextQuoteSelector')!;
    expect(anchor(quote, selector)).not.toBeNull();
  });

  it('uses the citation URL as the target when there is one, and stable ids', () => {
    expect(annotations[0]!.target.source).toBe('https://example.org/a?b=1&c=<2>');
    expect(renderWebAnnotation(input)).toBe(renderWebAnnotation(hostileInput()));
  });

  it('collects every quotation of a case with ids that say which', () => {
    const items = annotationsOf(renderCaseWebAnnotation(caseInputOf(smallCase())));
    expect(items.some((a) => a.id.includes(':quotation-1:'))).toBe(true);
    expect(items.some((a) => a.id.includes(':quotation-2:'))).toBe(true);
  });
});

describe('codePointCounter', () => {
  it('converts UTF-16 offsets to code points, in order or not', () => {
    const text = 'a😀b😀c';
    const count = codePointCounter(text);
    expect([0, 1, 3, 4, 6, 7].map(count)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(count(3)).toBe(2);
  });
});
