/**
 * The W3C Web Annotation export (JSON-LD): an AnnotationCollection with, for each
 * quotation, one annotation per fragment of the quotation and one per omission,
 * motivation "assessing", each
 * targeting the source through a TextQuoteSelector (exact, prefix, suffix) and a
 * TextPositionSelector, so Hypothesis-style tools can anchor them.
 *
 * The W3C model counts TextPositionSelector offsets in Unicode code points, while the
 * comparison counts UTF-16 code units: the conversion happens here and nowhere else.
 * A fragment the engine could not locate is annotated on the quotation instead, saying so.
 * Last comes the engine's verdict on the whole quotation: its summary (purpose
 * "assessing") and its rating's word (purpose "classifying"), targeting the quotation.
 * Ids are URNs derived from a hash of the texts, so the same texts give the same ids.
 */
import { createHash } from 'node:crypto';
import type { Span } from '../core/types.js';
import { formatChicago } from './citation.js';
import { exportTitle, provenanceLine } from './case-input.js';
import { countWords, PARAPHRASE_LABEL, plural, presentVerdict } from '../present/index.js';
import type { CaseExportInput, ExportInput } from './types.js';

/** Code points of context each side in a TextQuoteSelector (Hypothesis uses 32). */
export const SELECTOR_CONTEXT_CODE_POINTS = 32;

/**
 * Converts UTF-16 offsets of `text` to code-point offsets. Queries in ascending order
 * cost one pass over the text in all; a query behind the last one starts again from 0.
 */
export function codePointCounter(text: string): (utf16Offset: number) => number {
  let atUnit = 0;
  let atPoint = 0;
  return (utf16Offset) => {
    if (utf16Offset < atUnit) {
      atUnit = 0;
      atPoint = 0;
    }
    while (atUnit < utf16Offset) {
      const unit = text.charCodeAt(atUnit);
      // A high surrogate followed by a low one is one code point of two units.
      const isPair = unit >= 0xd800 && unit <= 0xdbff && atUnit + 1 < text.length && (text.charCodeAt(atUnit + 1) & 0xfc00) === 0xdc00;
      atUnit += isPair && atUnit + 1 < utf16Offset ? 2 : 1;
      atPoint += 1;
    }
    return atPoint;
  };
}

/** Up to `count` code points of `text` before `utf16Offset`, never splitting a surrogate pair. */
function prefixOf(text: string, utf16Offset: number, count: number): string {
  const before = Array.from(text.slice(Math.max(0, utf16Offset - 2 * count), utf16Offset));
  return before.slice(Math.max(0, before.length - count)).join('').replace(/^[\uDC00-\uDFFF]/, '');
}

/** Up to `count` code points of `text` after `utf16Offset`. */
function suffixOf(text: string, utf16Offset: number, count: number): string {
  return Array.from(text.slice(utf16Offset, utf16Offset + 2 * count)).slice(0, count).join('').replace(/[\uD800-\uDBFF]$/, '');
}

function hashOf(...texts: string[]): string {
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t).update('\u0000');
  return hash.digest('hex').slice(0, 16);
}

interface Target {
  source: string;
  selector: Array<Record<string, unknown>>;
}

function targetOf(iri: string, text: string, span: Span, toCodePoint: (o: number) => number): Target {
  return {
    source: iri,
    selector: [
      {
        type: 'TextQuoteSelector',
        exact: text.slice(span.start, span.end),
        prefix: prefixOf(text, span.start, SELECTOR_CONTEXT_CODE_POINTS),
        suffix: suffixOf(text, span.end, SELECTOR_CONTEXT_CODE_POINTS),
      },
      { type: 'TextPositionSelector', start: toCodePoint(span.start), end: toCodePoint(span.end) },
    ],
  };
}

function body(value: string, purpose = 'assessing'): Record<string, unknown> {
  return { type: 'TextualBody', value, format: 'text/plain', language: 'en', purpose };
}

/** The annotations of one comparison, in order: fragments first, then omissions. */
export function annotationsOf(input: ExportInput, idBase: string): Array<Record<string, unknown>> {
  const { comparison, quote, source } = input;
  const hash = hashOf(quote, source);
  // an imported source's own address names it when the citation gives none
  const sourceIri = input.citation?.url?.trim() || input.provenance?.url?.trim() || `urn:elision:source:${hashOf(source)}`;
  const quoteIri = input.quotedBy?.url?.trim() || `urn:elision:quotation:${hashOf(quote)}`;
  const citation = formatChicago(input.citation);
  const sourceNote = [citation ? `Source: ${citation}` : '', provenanceLine(input) ?? ''].filter(Boolean).join(' ');
  const sourceCodePoint = codePointCounter(source);
  const quoteCodePoint = codePointCounter(quote);
  const annotations: Array<Record<string, unknown>> = [];

  // Sorted so the code-point counter walks the source once.
  const fragments = comparison.fragments
    .map((fragment, index) => ({ fragment, index }))
    .sort((a, b) => (a.fragment.source?.start ?? Infinity) - (b.fragment.source?.start ?? Infinity));
  for (const { fragment, index } of fragments) {
    const n = index + 1;
    const of = `fragment ${n} of ${comparison.fragments.length}`;
    if (fragment.found && fragment.source) {
      const words = countWords(quote.slice(fragment.quote.start, fragment.quote.end));
      const how = fragment.confidence ? ` (${fragment.confidence} match)` : '';
      annotations.push({
        id: `${idBase}:${hash}:fragment-${n}`,
        type: 'Annotation',
        motivation: 'assessing',
        body: body(`The quotation's ${of} (${plural(words, 'word')}) reproduces this passage${how}.${sourceNote ? ` ${sourceNote}` : ''}`),
        target: targetOf(sourceIri, source, fragment.source, sourceCodePoint),
      });
    } else {
      annotations.push({
        id: `${idBase}:${hash}:fragment-${n}`,
        type: 'Annotation',
        motivation: 'assessing',
        body: body(`The quotation's ${of} was not found in the source.`),
        target: targetOf(quoteIri, quote, fragment.quote, quoteCodePoint),
      });
    }
  }
  comparison.segments
    .filter((segment) => segment.kind === 'omission' && segment.source)
    .sort((a, b) => a.source!.start - b.source!.start)
    .forEach((segment, k) => {
      const words = countWords(source.slice(segment.source!.start, segment.source!.end));
      const how = segment.paraphrased
        ? 'between two quoted pieces, where the writer’s own words stand'
        : segment.marked ? 'marked with an ellipsis' : 'silently: the quotation shows no ellipsis where it was cut';
      annotations.push({
        id: `${idBase}:${hash}:omission-${k + 1}`,
        type: 'Annotation',
        motivation: 'assessing',
        body: body(`The quotation leaves out ${plural(words, 'word')} here, ${how}.`),
        target: targetOf(sourceIri, source, segment.source!, sourceCodePoint),
      });
    });
  // A quotation in pieces: the writer's own words around the quoted pieces, on the quotation.
  (comparison.paraphrase ?? []).forEach((span, k) => {
    annotations.push({
      id: `${idBase}:${hash}:paraphrase-${k + 1}`,
      type: 'Annotation',
      motivation: 'assessing',
      body: body(`These are ${PARAPHRASE_LABEL}: they stand outside the quotation marks of the quoted pieces.`),
      target: targetOf(quoteIri, quote, span, quoteCodePoint),
    });
  });
  // Last, the engine's verdict on the whole quotation: its summary, and its rating's word as a classification.
  const verdict = presentVerdict(comparison);
  annotations.push({
    id: `${idBase}:${hash}:verdict`,
    type: 'Annotation',
    motivation: 'assessing',
    body: [body(verdict.summary), body(verdict.word, 'classifying')],
    target: targetOf(quoteIri, quote, { start: 0, end: quote.length }, quoteCodePoint),
  });
  return annotations;
}

/** "Meaning at risk: Word for word, but …": the verdict's word and the engine's summary. */
function verdictLine(input: ExportInput): string {
  const verdict = presentVerdict(input.comparison);
  return `${verdict.word}: ${verdict.summary}`;
}

/** The W3C context alone, as a plain string: the form every annotation client reads. */
const CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

function collection(id: string, label: string, summary: string, items: Array<Record<string, unknown>>): string {
  const output = {
    '@context': CONTEXT,
    id,
    type: 'AnnotationCollection',
    label,
    summary,
    total: items.length,
    first: { type: 'AnnotationPage', startIndex: 0, items },
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

/** One comparison as an AnnotationCollection. */
export function renderWebAnnotation(input: ExportInput): string {
  const id = `urn:elision:${hashOf(input.quote, input.source)}`;
  return collection(id, exportTitle(input), verdictLine(input), annotationsOf(input, 'urn:elision'));
}

/** Every quotation of a case as one AnnotationCollection; ids say which quotation. */
export function renderCaseWebAnnotation(input: CaseExportInput): string {
  const slug = encodeURIComponent(input.case.slug);
  const items = input.items.flatMap((item, i) => annotationsOf(item, `urn:elision:case:${slug}:quotation-${i + 1}`));
  const summary = input.items.map((item, i) => `Quotation ${i + 1}: ${verdictLine(item)}`).join(' ');
  return collection(`urn:elision:case:${slug}`, input.case.title, summary, items);
}
