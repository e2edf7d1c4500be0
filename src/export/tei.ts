/**
 * The TEI P5 export, built with xmlbuilder2 (never by string concatenation): a minimal
 * valid TEI document whose body holds, for each quotation, a `<cit>` with the `<quote>`
 * (omissions as `<gap reason="omitted"/>`, bracketed editorial insertions as
 * `<supplied>`, other changes as typed `<seg>`s) and a `<bibl>` for the source; then
 * the source passage with what was quoted, left out or altered marked as typed `<seg>`s.
 *
 * Deliberately carries no offsets (the JSON and Web Annotation exports do) and uses only
 * elements whose content models allow what is put in them (p, seg, gap, supplied, note,
 * cit, quote, bibl and its parts), so the result validates against tei_all.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Citation } from '../cases/types.js';
import { exportTitle, provenanceLine } from './case-input.js';
import {
  countsLine,
  presentVerdict,
  quotedByLine,
  readQuotation,
  readSourcePassage,
  sourceGoesOn,
  splitEdges,
  toXmlSafeText,
  type QuotePiece,
} from '../present/index.js';
import type { CaseExportInput, ExportInput } from './types.js';

export const TEI_NAMESPACE = 'http://www.tei-c.org/ns/1.0';

/** Appends text, if any, made safe for XML 1.0. */
function text(parent: XMLBuilder, value: string): void {
  if (value !== '') parent.txt(toXmlSafeText(value));
}

/** Appends a child element holding only text. */
function leaf(parent: XMLBuilder, name: string, value: string, attributes: Record<string, string> = {}): XMLBuilder {
  const element = parent.ele(name, attributes);
  text(element, value);
  return element;
}

/** A child element wrapping the core of `value`; white space at its edges stays outside, as text. */
function wrapped(parent: XMLBuilder, name: string, value: string, attributes: Record<string, string>, transform = (core: string) => core): void {
  const [lead, core, trail] = splitEdges(value);
  text(parent, lead);
  leaf(parent, name, transform(core), attributes);
  text(parent, trail);
}

/** New lines and indentation between structural elements only: mixed content is left exactly as given. */
function indent(parent: XMLBuilder, depth: number): void {
  parent.txt(`\n${'  '.repeat(depth)}`);
}

function appendBibl(parent: XMLBuilder, citation: Citation | undefined, provenance?: string): void {
  const bibl = parent.ele('bibl');
  const c = citation ?? {};
  const clean = (v: string | undefined): string => (v ?? '').replace(/\s+/g, ' ').trim();
  const add = (name: string, value: string | undefined, attributes: Record<string, string> = {}): void => {
    const v = clean(value);
    if (!v) return;
    if (bibl.node.childNodes.length > 0) bibl.txt(' ');
    leaf(bibl, name, v, attributes);
  };
  add('author', c.author);
  if (clean(c.work) && clean(c.container)) {
    add('title', c.work, { level: 'a' });
    add('title', c.container, { level: 'm' });
  } else {
    add('title', c.work || c.container);
  }
  add('edition', c.edition);
  add('pubPlace', c.place);
  add('publisher', c.publisher);
  add('date', c.year);
  add('biblScope', c.page, { unit: 'page' });
  // A URL the user typed may not be a valid URI (teidata.pointer), so it goes in idno, not @target.
  add('idno', c.url, { type: 'URI' });
  add('note', c.note);
  // an imported source: where the text came from, in the words every surface uses
  add('note', provenance, { type: 'provenance' });
  if (bibl.node.childNodes.length === 0) text(bibl, 'No citation given.');
}

/** The quotation's pieces as TEI, the ellipsis marks of marked cuts replaced by `<gap>`. */
function appendQuote(quoteElement: XMLBuilder, pieces: QuotePiece[]): void {
  // A run of text, ellipsis and cut pieces between two quoted pieces is one "slot": when a
  // marked cut falls in it, its ellipsis marks are what <gap> now stands for, so they go,
  // and the spaces that stood on both sides of a mark become one.
  const slotHasMarkedCut = new Array<boolean>(pieces.length).fill(false);
  const between = (p: QuotePiece): boolean => p.kind === 'text' || p.kind === 'cut' || p.kind === 'ellipsis';
  for (let i = 0; i < pieces.length; ) {
    let j = i;
    while (j < pieces.length && between(pieces[j]!)) j++;
    const marked = pieces.slice(i, j).some((p) => p.kind === 'cut' && p.marked);
    for (let k = i; k < j; k++) slotHasMarkedCut[k] = marked;
    i = j === i ? i + 1 : j;
  }
  let endsWithSpace = false;
  pieces.forEach((piece, i) => {
    const dropMarks = slotHasMarkedCut[i] === true;
    if (!dropMarks) endsWithSpace = false;
    switch (piece.kind) {
      case 'ellipsis':
        if (!dropMarks) text(quoteElement, piece.text);
        break;
      case 'text': {
        let value = piece.text;
        if (dropMarks) {
          value = value.replace(/ {2,}/g, ' ');
          if (endsWithSpace) value = value.replace(/^ /, '');
          if (value !== '') endsWithSpace = value.endsWith(' ');
        }
        text(quoteElement, value);
        break;
      }
      case 'match':
        text(quoteElement, piece.text);
        break;
      case 'paraphrase':
        // a quotation in pieces: the writer's own words around the quoted pieces, not quoted
        wrapped(quoteElement, 'seg', piece.text, { type: 'paraphrase' });
        break;
      case 'insertion':
        if (piece.editorial) {
          // <supplied> itself says "the editor's words": the brackets that said so in print go.
          wrapped(quoteElement, 'supplied', piece.text, { reason: 'editorial' }, (core) => core.replace(/^\[([\s\S]*)\]$/, '$1'));
        } else {
          wrapped(quoteElement, 'seg', piece.text, { type: 'insertion', subtype: 'unbracketed' });
        }
        break;
      case 'alteration':
        wrapped(quoteElement, 'seg', piece.text, { type: 'alteration' });
        break;
      case 'cut':
        quoteElement.ele('gap', {
          reason: 'omitted',
          rend: piece.paraphrased ? 'paraphrase' : piece.marked ? 'ellipsis' : 'silent',
          quantity: String(piece.words),
          unit: 'words',
        });
        break;
    }
  });
}

function appendComparison(body: XMLBuilder, input: ExportInput, n: number, heading: string | null, depth: number): void {
  const div = body.ele('div', { type: 'comparison', n: String(n) });
  if (heading) {
    indent(div, depth + 1);
    leaf(div, 'head', heading);
  }
  indent(div, depth + 1);
  const cit = div.ele('cit');
  indent(cit, depth + 2);
  appendQuote(cit.ele('quote'), readQuotation(input));
  indent(cit, depth + 2);
  appendBibl(cit, input.citation);
  indent(cit, depth + 1);

  const quotedBy = quotedByLine(input.quotedBy);
  if (quotedBy) {
    indent(div, depth + 1);
    leaf(div, 'note', quotedBy, { type: 'quoted-by' });
  }
  // The engine's verdict: its rating as the note's subtype, its words as a label, then its summary.
  const verdict = presentVerdict(input.comparison);
  indent(div, depth + 1);
  const verdictNote = div.ele('note', { type: 'verdict', subtype: verdict.rating });
  leaf(verdictNote, 'label', verdict.word);
  text(verdictNote, ` ${verdict.summary}`);
  indent(div, depth + 1);
  leaf(div, 'note', countsLine(input.comparison), { type: 'counts' });
  if (input.note) {
    indent(div, depth + 1);
    leaf(div, 'note', input.note, { type: 'comment' });
  }

  indent(div, depth + 1);
  const sourceDiv = div.ele('div', { type: 'source-passage' });
  indent(sourceDiv, depth + 2);
  const passage = readSourcePassage(input);
  const language = input.citation?.language?.trim();
  const p = sourceDiv.ele('p', language && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language) ? { 'xml:lang': language } : {});
  if (!passage) {
    text(p, 'The quotation was not found in the source.');
  } else {
    const goesOn = sourceGoesOn(input.source, passage.start, passage.end);
    if (goesOn.before) text(p, '… ');
    for (const piece of passage.pieces) {
      switch (piece.kind) {
        case 'text':
        case 'context-before':
        case 'context-after':
          text(p, piece.text);
          break;
        case 'match':
          wrapped(p, 'seg', piece.text, { type: 'quoted' });
          break;
        case 'omission':
          wrapped(p, 'seg', piece.text, { type: 'omission', subtype: piece.paraphrased ? 'paraphrased' : piece.marked ? 'marked' : 'silent' });
          break;
        case 'alteration':
          wrapped(p, 'seg', piece.text, { type: 'altered' });
          break;
      }
    }
    if (goesOn.after) text(p, ' …');
  }
  indent(sourceDiv, depth + 1);
  indent(div, depth);
}

function renderDocument(title: string, citation: Citation | undefined, items: ExportInput[], headings: boolean, provenance?: string): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const tei = doc.ele(TEI_NAMESPACE, 'TEI');
  indent(tei, 1);
  const header = tei.ele('teiHeader');
  indent(header, 2);
  const fileDesc = header.ele('fileDesc');
  indent(fileDesc, 3);
  leaf(fileDesc.ele('titleStmt'), 'title', title);
  indent(fileDesc, 3);
  leaf(fileDesc.ele('publicationStmt'), 'p', 'Exported from Elision: quotations compared with their source.');
  indent(fileDesc, 3);
  appendBibl(fileDesc.ele('sourceDesc'), citation, provenance);
  indent(fileDesc, 2);
  indent(header, 1);
  indent(tei, 1);
  const body = tei.ele('text').ele('body');
  items.forEach((item, i) => {
    indent(body, 2);
    appendComparison(body, item, i + 1, headings ? `Quotation ${i + 1} of ${items.length}` : null, 2);
  });
  indent(body, 1);
  tei.txt('\n');
  return `${doc.end({ prettyPrint: false })}\n`;
}

/** One quotation as a TEI P5 document. */
export function renderTei(input: ExportInput): string {
  return renderDocument(exportTitle(input), input.citation, [input], false, provenanceLine(input));
}

/** Every quotation of a case in one TEI P5 document, a `<div type="comparison">` each. */
export function renderCaseTei(input: CaseExportInput): string {
  return renderDocument(input.case.title, input.case.source.citation, input.items, true, provenanceLine(input));
}
