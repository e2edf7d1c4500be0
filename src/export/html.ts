/**
 * The HTML export: one self-contained file that looks like the comparison page — the
 * quotation beside the source passage, what was left out struck through and labelled,
 * a legend, the summary and the citation. CSS is inlined and a Content-Security-Policy
 * meta tag forbids every fetch and every script, so the file opens offline, makes no
 * request, and prints well (a print stylesheet stacks the columns and keeps colours).
 *
 * Deliberately no JavaScript: the page is read, not operated. Everything the user typed
 * is escaped; case notes are Markdown rendered without raw HTML.
 */
import MarkdownIt from 'markdown-it';
import { chicagoParts } from './citation.js';
import { exportTitle, provenanceLine } from './case-input.js';
import {
  countsLine,
  escapeHtml,
  PARAPHRASE_LABEL,
  PARAPHRASE_TAG,
  PARAPHRASED_CUT_LABEL,
  presentVerdict,
  quotedByLine,
  readQuotation,
  readSourcePassage,
  sourceGoesOn,
  splitEdges,
  type QuotePiece,
  type SourcePiece,
} from '../present/index.js';
import type { Citation } from '../cases/types.js';
import type { CaseExportInput, ExportInput } from './types.js';

const markdown = new MarkdownIt({ html: false, linkify: false });

const STYLE = `
/* The page's palette (public/elision.css: Okabe-Ito, AA contrast) and its non-colour cues. */
:root { --ink: #1b1b1b; --muted: #565656; --rule: #c9c9c2; --match: #e8eef6; --silent: #a33600; --silent-bg: #fde0d2;
  --marked: #0a4f8a; --marked-bg: #dae8f5; --inserted: #00684a; --inserted-bg: #d3efe3; --bare: #8a2f68; --bare-bg: #f6dcec;
  --altered: #7d5200; --altered-bg: #fbebc0;
  --serif: "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia, "Noto Serif", "Noto Serif Variable", "DejaVu Serif",
    "Noto Serif SC Variable", "Noto Serif TC Variable", "Noto Serif JP Variable", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Noto Serif Variable", "Noto Serif SC Variable", "Noto Serif TC Variable", "Noto Serif JP Variable", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: var(--ink); background: #fdfdfb; font: 17px/1.6 var(--serif); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; }
h3 { font: 700 .78rem/1.2 var(--sans); text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 .5rem; }
.meta, .summary, .counts, .verdict, .findings, .legend, footer { font-family: var(--sans); font-size: .92rem; }
.citation { margin: .25rem 0; }
cite { font-style: normal; }
.verdict { display: inline-block; font-weight: 700; padding: .1rem .5rem; border-radius: .25rem; background: #f3f3ef; border-left: 4px solid var(--muted); }
.verdict .icon { font-weight: 400; }
.rating-verbatim { border-left-color: var(--inserted); } .rating-marked-omission { border-left-color: var(--marked); }
.rating-meaning-at-risk, .rating-altered { border-left-color: var(--altered); }
.rating-silent-omission, .rating-partly-found, .rating-not-found { border-left-color: var(--silent); }
.summary { font-weight: 600; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; margin: 1rem 0; }
.column { border: 1px solid var(--rule); border-radius: .4rem; padding: 1rem; background: #fff; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.context { color: var(--muted); }
.match, .quoted { background: var(--match); border-radius: 2px; }
del.silent { background: var(--silent-bg); text-decoration: line-through 2px var(--silent); outline: 2px solid var(--silent); border-radius: 2px; }
del.marked { background: var(--marked-bg); text-decoration: line-through 1px var(--marked); border-bottom: 2px dashed var(--marked); }
ins { text-decoration: none; }
ins.editorial { background: var(--inserted-bg); text-decoration: underline 2px var(--inserted); text-underline-offset: .2em; }
ins.unbracketed { background: var(--bare-bg); text-decoration: underline double 2px var(--bare); text-underline-offset: .2em; }
mark.alteration, .altered { background: var(--altered-bg); color: inherit; text-decoration: underline wavy 1.5px var(--altered); text-underline-offset: .25em; }
.tag { display: inline-block; font: 700 .68rem/1.3 var(--sans); text-transform: uppercase; letter-spacing: .04em; padding: 0 .35em;
  margin: 0 .3em; border-radius: 3px; vertical-align: .15em; color: #fff; white-space: nowrap; }
.tag.silent { background: var(--silent); } .tag.marked { background: var(--marked); } .tag.altered { background: var(--altered); }
.paraphrase { font-family: var(--sans); font-style: italic; color: var(--muted); border-bottom: 1px dotted var(--muted); }
.tag.paraphrase { background: var(--muted); font-style: normal; }
.cut.silent { display: inline-block; font: .8em/1.2 var(--sans); padding: 0 .25em; margin: 0 .15em; border: 2px solid var(--silent);
  border-radius: 3px; background: var(--silent-bg); }
.legend ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; }
.findings li { margin: .2rem 0; }
.notes { border-left: 3px solid var(--rule); padding-left: 1rem; }
footer { color: var(--muted); margin-top: 2rem; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media (max-width: 50rem) { .columns { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; background: #fff; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .columns { grid-template-columns: 1fr 1fr; gap: 1rem; }
  .column { break-inside: auto; }
  h2, h3 { break-after: avoid; }
}
`;

function renderCitation(citation: Citation | undefined): string {
  return chicagoParts(citation)
    .map((part) => (part.italic ? `<i>${escapeHtml(part.text)}</i>` : escapeHtml(part.text)))
    .join('');
}

/** Wraps the escaped core of `text` in markup; white space at its edges stays outside, unmarked. */
function wrap(text: string, open: string, close: string): string {
  const [lead, core, trail] = splitEdges(text);
  return core ? `${escapeHtml(lead)}${open}${escapeHtml(core)}${close}${escapeHtml(trail)}` : escapeHtml(text);
}

function renderQuotePiece(piece: QuotePiece): string {
  switch (piece.kind) {
    case 'text':
    case 'ellipsis':
      return escapeHtml(piece.text);
    case 'paraphrase':
      return wrap(piece.text, `<span class="paraphrase" title="${escapeHtml(PARAPHRASE_LABEL)}"><span class="tag paraphrase">${escapeHtml(PARAPHRASE_TAG)}</span>`, '</span>');
    case 'match':
      return wrap(piece.text, '<span class="match">', '</span>');
    case 'insertion':
      return piece.editorial
        ? wrap(piece.text, '<ins class="insertion editorial" title="editorial insertion, in square brackets">', '</ins>')
        : wrap(piece.text, '<ins class="insertion unbracketed" title="inserted without square brackets: not in the source">', '</ins>');
    case 'alteration':
      return wrap(piece.text, `<mark class="alteration" title="the source has: ${escapeHtml(piece.sourceText.trim())}">`, '</mark>');
    case 'cut':
      // A marked cut already shows its ellipsis in the text; a silent one shows nothing, so we mark it.
      return piece.marked
        ? ''
        : `<span class="cut silent" title="${piece.words} words left out here without an ellipsis">⟨…⟩</span>`;
  }
}

function renderSourcePiece(piece: SourcePiece): string {
  switch (piece.kind) {
    case 'text':
      return escapeHtml(piece.text);
    case 'context-before':
    case 'context-after':
      return wrap(piece.text, '<span class="context">', '</span>');
    case 'match':
      return wrap(piece.text, '<span class="quoted">', '</span>');
    case 'omission':
      if (piece.paraphrased) return wrap(piece.text, `<span class="tag marked">[${PARAPHRASED_CUT_LABEL}]</span><del class="omission marked">`, '</del>');
      return piece.marked
        ? wrap(piece.text, '<span class="tag marked">[cut, marked]</span><del class="omission marked">', '</del>')
        : wrap(piece.text, '<span class="tag silent">[cut silently]</span><del class="omission silent">', '</del>');
    case 'alteration':
      return wrap(piece.text, '<span class="altered">', `</span><span class="tag altered">[quoted as “${escapeHtml(piece.quoteText.trim())}”]</span>`);
  }
}

/** The key to the styles; the entry for the writer's words only when a quotation is in pieces. */
const legend = (inPieces: boolean): string => `<section class="legend" aria-label="Legend">
<h3>Legend</h3>
<ul>
<li><span class="quoted">quoted</span> text the quotation reproduces</li>
<li><span class="context">context</span> source text around the quotation</li>
<li><del class="omission silent">left out</del> silently: no ellipsis where it was cut</li>
<li><del class="omission marked">left out</del> and marked with an ellipsis</li>
<li><ins class="insertion editorial">[inserted]</ins> editorial insertion in brackets</li>
<li><ins class="insertion unbracketed">added</ins> words added without brackets</li>
<li><mark class="alteration">altered</mark> words that differ from the source</li>
<li><span class="cut silent">⟨…⟩</span> where a silent cut falls in the quotation</li>
${inPieces ? `<li><span class="paraphrase"><span class="tag paraphrase">${PARAPHRASE_TAG}</span>words</span> ${PARAPHRASE_LABEL} (outside the quotation marks of a quotation in pieces)</li>
` : ''}</ul>
</section>`;

/** The body of one comparison: summary, the two columns, findings. */
function renderComparisonSection(input: ExportInput, heading: string | null): string {
  const { comparison } = input;
  const passage = readSourcePassage(input);
  const quotedBy = quotedByLine(input.quotedBy);
  const verdict = presentVerdict(comparison);
  const lang = input.citation?.language ? ` lang="${escapeHtml(input.citation.language)}"` : '';
  const quotationHtml = readQuotation(input).map(renderQuotePiece).join('');
  let sourceHtml: string;
  if (passage) {
    const goesOn = sourceGoesOn(input.source, passage.start, passage.end);
    const before = goesOn.before ? '<span class="context">… </span>' : '';
    const after = goesOn.after ? '<span class="context"> …</span>' : '';
    sourceHtml = `<p class="text"${lang}>${before}${passage.pieces.map(renderSourcePiece).join('')}${after}</p>`;
  } else {
    sourceHtml = '<p class="meta">The quotation was not found in the source, so no passage is shown.</p>';
  }
  const findings = [
    ...comparison.notes.map((note) => `<li>${escapeHtml(note.message)}</li>`),
    ...(comparison.cues ?? []).map((cue) => `<li>${escapeHtml(cue.message)}</li>`),
  ];
  return [
    `<section class="comparison">`,
    heading ? `<h2>${escapeHtml(heading)}</h2>` : '',
    quotedBy ? `<p class="meta">${escapeHtml(quotedBy)}</p>` : '',
    `<p class="verdict rating-${verdict.rating}" data-rating="${verdict.rating}"><span class="icon" aria-hidden="true">${escapeHtml(verdict.icon)}</span> ${escapeHtml(verdict.word)}</p>`,
    `<p class="summary">${escapeHtml(verdict.summary)}</p>`,
    `<p class="counts">${escapeHtml(countsLine(comparison))}</p>`,
    `<div class="columns">`,
    `<div class="column"><h3>Quotation</h3><blockquote class="text">${quotationHtml}</blockquote></div>`,
    `<div class="column"><h3>Source</h3>${sourceHtml}</div>`,
    `</div>`,
    input.note ? `<p class="meta note">Note: ${escapeHtml(input.note)}</p>` : '',
    findings.length > 0 ? `<div class="findings"><h3>Findings</h3><ul>${findings.join('')}</ul></div>` : '',
    `</section>`,
  ]
    .filter(Boolean)
    .join('\n');
}

function renderDocument(title: string, citation: Citation | undefined, citationNote: string | undefined, sections: string[], caseNotes?: string, provenance?: string, inPieces = false): string {
  const citationHtml = renderCitation(citation);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="Elision">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${citationHtml ? `<p class="meta citation">Source: <cite>${citationHtml}</cite></p>` : '<p class="meta citation">Source: no citation given.</p>'}
${provenance ? `<p class="meta provenance">${escapeHtml(provenance)}</p>\n` : ''}${citationNote ? `<p class="meta">${escapeHtml(citationNote)}</p>` : ''}
</header>
<main>
${sections.join('\n')}
${caseNotes ? `<section class="notes"><h3>Notes</h3>${markdown.render(caseNotes)}</section>` : ''}
</main>
${legend(inPieces)}
<footer>Exported from Elision. Offsets in the other exports count UTF-16 code units of the texts as given.</footer>
</body>
</html>
`;
}

/** One quotation as a self-contained HTML document. */
export function renderHtml(input: ExportInput): string {
  return renderDocument(exportTitle(input), input.citation, input.citation?.note, [renderComparisonSection(input, null)], input.case?.notes, provenanceLine(input), (input.comparison.paraphrase ?? []).length > 0);
}

/** Every quotation of a case in one self-contained HTML document, a section each. */
export function renderCaseHtml(input: CaseExportInput): string {
  const sections = input.items.map((item, i) => renderComparisonSection(item, `Quotation ${i + 1} of ${input.items.length}`));
  return renderDocument(input.case.title, input.case.source.citation, input.case.source.citation.note, sections, input.case.notes, provenanceLine(input), input.items.some((item) => (item.comparison.paraphrase ?? []).length > 0));
}
