/**
 * The ClaimReview export (schema.org JSON-LD) for fact-checkers: the quotation is the
 * claim (who printed it, where), the rating is the engine's verdict — its place on the
 * verdict's scale as `ratingValue` (1 = not found … 7 = verbatim, with `worstRating` and
 * `bestRating`), its words as `alternateName`, its summary as `ratingExplanation` — and
 * the source (its citation and the passage with its context) is the evidence, under
 * `citation`.
 *
 * Deliberately no date: it belongs to the fact-checker's publication. The `author`
 * names Elision as the tool; a fact-checker publishing it puts their own.
 */
import type { Citation, QuotedBy } from '../cases/types.js';
import { formatChicago } from './citation.js';
import { BEST_RATING_VALUE, WORST_RATING_VALUE, countsLine, paraphraseLine, presentVerdict, quotedByLine, readSourcePassage } from '../present/index.js';
import type { SourceProvenance } from '../import/types.js';
import { restoreQuotation } from './restored.js';
import { provenanceLine } from './case-input.js';
import type { CaseExportInput, ExportInput } from './types.js';

function clean(value: string | undefined): string | undefined {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  return v === '' ? undefined : v;
}

/** Drops keys whose value is undefined, so the JSON-LD carries no empty properties. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

function person(name: string | undefined): Record<string, unknown> | undefined {
  return name ? { '@type': 'Person', name } : undefined;
}

function claimOf(quotedBy: QuotedBy | undefined): Record<string, unknown> {
  const q = quotedBy ?? {};
  const appearance = clean(q.url) || clean(q.work)
    ? compact({ '@type': 'CreativeWork', name: clean(q.work), url: clean(q.url), datePublished: clean(q.date) })
    : undefined;
  return compact({ '@type': 'Claim', author: person(clean(q.author)), appearance, datePublished: clean(q.date) });
}

/**
 * An imported source's original file or page as schema.org's MediaObject: its address or
 * file name, media type, size, SHA-256 and when it was retrieved, with the provenance
 * line every surface prints as its description.
 */
function originalOf(input: ExportInput): Record<string, unknown> | undefined {
  const provenance: Partial<SourceProvenance> | undefined = input.provenance;
  const description = provenanceLine(input);
  if (!provenance || !description) return undefined;
  return compact({
    '@type': 'MediaObject',
    contentUrl: clean(provenance.url),
    name: clean(provenance.file),
    encodingFormat: clean(provenance.mediaType),
    contentSize: typeof provenance.bytes === 'number' ? `${provenance.bytes} bytes` : undefined,
    sha256: clean(provenance.sha256),
    uploadDate: clean(provenance.retrievedAt),
    description,
  });
}

function evidenceOf(input: ExportInput, citation: Citation | undefined): Record<string, unknown> {
  const c = citation ?? {};
  const passage = readSourcePassage(input);
  return compact({
    '@type': 'CreativeWork',
    name: clean(c.work) ?? clean(c.container),
    author: person(clean(c.author)),
    isPartOf: clean(c.work) && clean(c.container) ? { '@type': 'CreativeWork', name: clean(c.container) } : undefined,
    publisher: clean(c.publisher) ? { '@type': 'Organization', name: clean(c.publisher) } : undefined,
    datePublished: clean(c.year),
    url: clean(c.url),
    inLanguage: clean(c.language),
    pagination: clean(c.page),
    citation: formatChicago(citation) || undefined,
    text: passage ? input.source.slice(passage.start, passage.end) : undefined,
    associatedMedia: originalOf(input),
  });
}

function claimReviewOf(input: ExportInput): Record<string, unknown> {
  const verdict = presentVerdict(input.comparison);
  const restored = restoreQuotation(input);
  const body = [
    verdict.summary,
    countsLine(input.comparison),
    quotedByLine(input.quotedBy),
    paraphraseLine(input),
    restored !== null ? `The passage as the source has it: “${restored}”` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return compact({
    '@type': 'ClaimReview',
    claimReviewed: input.quote.trim(),
    itemReviewed: claimOf(input.quotedBy),
    reviewRating: {
      '@type': 'Rating',
      ratingValue: verdict.value,
      worstRating: WORST_RATING_VALUE,
      bestRating: BEST_RATING_VALUE,
      alternateName: verdict.word,
      ratingExplanation: verdict.summary,
    },
    reviewBody: body,
    author: { '@type': 'Organization', name: 'Elision (automatic quotation comparison)' },
    citation: evidenceOf(input, input.citation),
  });
}

/**
 * JSON whose every "<" is written \u003c: the same data to any JSON reader, but safe to
 * paste into <script type="application/ld+json">, where a quoted "</script>" would
 * otherwise end the script element and run what follows on the fact-checker's page.
 */
function scriptSafeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/</g, '\\u003c')}\n`;
}

/** One quotation as a ClaimReview. */
export function renderClaimReview(input: ExportInput): string {
  return scriptSafeJson({ '@context': 'https://schema.org', ...claimReviewOf(input) });
}

/** Every quotation of a case: one ClaimReview each, in an @graph. */
export function renderCaseClaimReview(input: CaseExportInput): string {
  return scriptSafeJson({ '@context': 'https://schema.org', '@graph': input.items.map(claimReviewOf) });
}
