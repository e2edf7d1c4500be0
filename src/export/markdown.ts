/**
 * The Markdown export: readable as plain text and in any CommonMark renderer. The
 * quotation as a block quote (a silent cut shown as ⟨…⟩), the source passage with what
 * was left out struck through and labelled in brackets, the summary and the citation.
 *
 * Deliberately plain: no HTML, no tables, no footnotes (renderers disagree on them).
 * Every piece of user text goes through escapeMarkdown.
 */
import { chicagoParts } from './citation.js';
import { exportTitle, provenanceLine } from './case-input.js';
import {
  countsLine,
  escapeMarkdown,
  PARAPHRASE_LABEL,
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

/**
 * Wraps `text` in a markup delimiter without letting the delimiter touch white space at
 * either end (CommonMark will not open or close emphasis next to a space).
 */
function wrap(text: string, delimiter: string): string {
  const [lead, core, trail] = splitEdges(text);
  if (!core) return text;
  // Emphasis cannot span a blank line; mark each paragraph separately.
  const marked = escapeMarkdown(core)
    .split(/(\n\s*\n)/)
    .map((part, i) => (i % 2 === 1 || part.trim() === '' ? part : `${delimiter}${part.trim()}${delimiter}`))
    .join('');
  return `${lead}${marked}${trail}`;
}

function quotePieceToMarkdown(piece: QuotePiece): string {
  switch (piece.kind) {
    case 'text':
    case 'ellipsis':
    case 'match':
      return escapeMarkdown(piece.text);
    case 'paraphrase':
      // the writer's words around quoted pieces: set apart, and said in words
      return `${wrap(piece.text, '_')} \\[${escapeMarkdown(PARAPHRASE_LABEL)}\\]`;
    case 'insertion':
      return piece.editorial ? wrap(piece.text, '*') : `${wrap(piece.text, '*')} \\[not in the source\\]`;
    case 'alteration':
      return `${wrap(piece.text, '*')} \\[source: “${escapeMarkdown(piece.sourceText)}”\\]`;
    case 'cut':
      return piece.marked ? '' : ' ⟨…⟩ ';
  }
}

function sourcePieceToMarkdown(piece: SourcePiece): string {
  switch (piece.kind) {
    case 'text':
    case 'context-before':
    case 'context-after':
      return escapeMarkdown(piece.text);
    case 'match':
      return wrap(piece.text, '**');
    case 'omission':
      return `${piece.paraphrased ? `\\[${PARAPHRASED_CUT_LABEL}:\\]` : piece.marked ? '\\[cut, marked:\\]' : '\\[cut silently:\\]'} ${wrap(piece.text, '~~')}`;
    case 'alteration':
      return `${wrap(piece.text, '~~')} \\[quoted as “${escapeMarkdown(piece.quoteText)}”\\]`;
  }
}

/** Prefixes every line with "> " so multi-paragraph text stays one block quote. */
function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
}

function citationToMarkdown(citation: Citation | undefined): string {
  return chicagoParts(citation)
    .map((part) => (part.italic ? wrap(part.text, '*') : escapeMarkdown(part.text)))
    .join('');
}

function comparisonToMarkdown(input: ExportInput, heading: string | null): string {
  const lines: string[] = [];
  if (heading) lines.push(`## ${escapeMarkdown(heading)}`, '');
  const quotedBy = quotedByLine(input.quotedBy);
  if (quotedBy) lines.push(escapeMarkdown(quotedBy), '');
  const verdict = presentVerdict(input.comparison);
  lines.push(`**Verdict: ${escapeMarkdown(verdict.label)}.** ${escapeMarkdown(verdict.summary)}`, '');
  lines.push(escapeMarkdown(countsLine(input.comparison)), '');
  lines.push('### The quotation', '');
  lines.push(blockQuote(readQuotation(input).map(quotePieceToMarkdown).join('').replace(/ {2,}/g, ' ').trim()), '');
  lines.push('### The source passage', '');
  const passage = readSourcePassage(input);
  if (passage) {
    lines.push('Quoted words in **bold**; words left out ~~struck through~~ after a bracketed label.', '');
    const goesOn = sourceGoesOn(input.source, passage.start, passage.end);
    const before = goesOn.before ? '… ' : '';
    const after = goesOn.after ? ' …' : '';
    lines.push(blockQuote(`${before}${passage.pieces.map(sourcePieceToMarkdown).join('').trim()}${after}`), '');
  } else {
    lines.push('The quotation was not found in the source, so no passage is shown.', '');
  }
  if (input.note) lines.push(`Note: ${escapeMarkdown(input.note)}`, '');
  const findings = [
    ...input.comparison.notes.map((note) => note.message),
    ...(input.comparison.cues ?? []).map((cue) => cue.message),
  ];
  if (findings.length > 0) {
    lines.push('### Findings', '');
    for (const finding of findings) lines.push(`- ${escapeMarkdown(finding).replace(/\n/g, ' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

const SCRIPT_LINK = /\]\(\s*<?\s*(?=(?:javascript|vbscript|data|file)\s*:)/gi;
const SCRIPT_LINK_DEFINITION = /^(\s{0,3})\[(?=[^\]]+\]:\s*<?\s*(?:javascript|vbscript|data|file)\s*:)/gim;

/**
 * Raw HTML becomes text (\<), and a link or link definition whose target is a script
 * URL stops being a link ("]\(" and "\[" are literal), its words still shown.
 */
function defuseMarkdown(markdown: string): string {
  return markdown
    .replace(/</g, '\\<')
    .replace(SCRIPT_LINK, '\\](')
    .replace(SCRIPT_LINK_DEFINITION, '$1\\[');
}

function documentToMarkdown(title: string, citation: Citation | undefined, sections: string[], caseNotes?: string, provenance?: string): string {
  const lines = [`# ${escapeMarkdown(title)}`, ''];
  const cited = citationToMarkdown(citation);
  lines.push(cited ? `Source: ${cited}` : 'Source: no citation given.', '');
  // a file name or an address is user text: escaped like every other
  if (provenance) lines.push(escapeMarkdown(provenance), '');
  if (citation?.note?.trim()) lines.push(wrap(citation.note.trim(), '*'), '');
  lines.push(...sections);
  // Case notes are Markdown already: kept as written, except that raw HTML and links to
  // script URLs are defused, since the reader's renderer may allow what ours does not.
  if (caseNotes?.trim()) lines.push('## Notes', '', defuseMarkdown(caseNotes.trim()), '');
  lines.push('---', '', 'Exported from Elision.', '');
  return lines.join('\n');
}

/** One quotation as a Markdown document. */
export function renderMarkdown(input: ExportInput): string {
  return documentToMarkdown(exportTitle(input), input.citation, [comparisonToMarkdown(input, null)], input.case?.notes, provenanceLine(input));
}

/** Every quotation of a case in one Markdown document, a section each. */
export function renderCaseMarkdown(input: CaseExportInput): string {
  const sections = input.items.map((item, i) => comparisonToMarkdown(item, `Quotation ${i + 1} of ${input.items.length}`));
  return documentToMarkdown(input.case.title, input.case.source.citation, sections, input.case.notes, provenanceLine(input));
}
