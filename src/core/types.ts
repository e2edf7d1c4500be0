/**
 * The comparison's shape: version 1 of the contract in docs/contract.md, plus
 * the extra keys the contract welcomes (text copies, confidence, notes, cues).
 *
 * Every `Span` is a half-open range of UTF-16 code units (JavaScript string indices)
 * into the text exactly as the user gave it: `quote` spans index the quotation,
 * `source` spans the source. Nothing indexes a normalised copy.
 */

export interface Span {
  start: number;
  end: number;
}

/** How sure the engine is that a fragment stands where it says. */
export type Confidence =
  /** the same characters, letter for letter */
  | 'exact'
  /** the same words; only typography differs (quotes, dashes, case, white space, hyphenation) */
  | 'typographic'
  /** located, but some words differ (see `changedWords`) */
  | 'fuzzy';

export interface Fragment {
  /** the fragment's own text in the quotation, without the ellipsis marks around it */
  quote: Span;
  found: boolean;
  /** where it stands in the source; null when not found */
  source: Span | null;
  /** absent when not found */
  confidence?: Confidence;
  /** words of the fragment that differ from its source region (insertions, alterations, omissions inside it) */
  changedWords?: number;
  /** share of the fragment's words that reproduce source words, 0..1 */
  score?: number;
  /** other placements that score nearly as well: never a silent pick between lookalikes */
  alternatives?: Array<{ source: Span; score: number }>;
}

export type SegmentKind =
  | 'context-before'
  | 'match'
  | 'omission'
  | 'insertion'
  | 'alteration'
  | 'context-after';

export interface Segment {
  kind: SegmentKind;
  quote?: Span;
  source?: Span;
  /** omission only: an ellipsis stands in the quotation where the text was cut */
  marked?: boolean;
  /**
   * omission only, always with `marked: true`: the cut between two quoted pieces of a
   * quotation in pieces (`"The plan," he said, "is dead."`): the quotation marks close and
   * the writer's own words stand there; never silent, counted in `stats.paraphrasedOmissions`
   */
  paraphrased?: boolean;
  /**
   * insertion and alteration: the quoter's change stands in square brackets (`[as the]`,
   * `[their]` for `his`, `[T]he`): visible and legitimate, never a silent omission
   */
  editorial?: boolean;
  /** editorial alteration only: the brackets change nothing but letter case (`[T]he` for `the`); no count or verdict treats it as a change */
  caseOnly?: boolean;
  /** insertion only: quotation text that is not in the source at all (its fragment, or a piece of it, is not found) */
  notFound?: boolean;
  /**
   * match only: the source's word differs as an OCR of the printed page misreads it ("neaped"
   * for "heaped", "fich" for "sich"): the scan's error, not the quoter's change; told in a note
   */
  ocrReading?: boolean;
  /**
   * omission only: the left-out text is a page header, footer or page number standing on
   * lines of its own (OCR of printed pages); not counted as a silent omission
   */
  pageFurniture?: boolean;
  /** index into `fragments` of the fragment this segment belongs to (absent for context and for omissions between fragments) */
  fragment?: number;
  /** copies of the texts, for readers of the JSON */
  quoteText?: string;
  sourceText?: string;
}

export interface Stats {
  quotedWords: number;
  omittedWords: number;
  markedOmissions: number;
  silentOmissions: number;
  /** unbracketed insertions */
  insertions: number;
  /** unbracketed alterations */
  alterations: number;
  /** the quoter's visible changes in square brackets: `[their]` for `his`, `[T]he` for `the`, `[as the]` */
  editorialChanges: number;
  /** quotation in pieces only: cuts between its quoted pieces (`paraphrased` omissions), not in markedOmissions */
  paraphrasedOmissions?: number;
}

export type NoteCode =
  /** an ellipsis where the quotation cut nothing */
  | 'spurious-ellipsis'
  /** words in the quotation with no counterpart in the source and no square brackets */
  | 'unbracketed-insertion'
  /** words in the quotation that stand where other source words stand, without square brackets */
  | 'unbracketed-alteration'
  /** a word whose capital was changed without brackets ("[t]he") */
  | 'unbracketed-case-change'
  /** a cut across a sentence boundary marked with three dots where four are due */
  | 'three-dot-sentence-cut'
  /** words left out without an ellipsis */
  | 'silent-omission'
  /** a fragment of the quotation that is not in the source */
  | 'fragment-not-found'
  /** fragments stand in the source in another order than in the quotation */
  | 'reordered'
  /** a fragment could be placed in more than one spot */
  | 'ambiguous-placement'
  /** the word diff hit its bound; the fragment is reported as found but not aligned word by word */
  | 'alignment-gave-up'
  /** the quotation's ellipsis stands where the source itself has one */
  | 'source-ellipsis'
  /** a source word that differs only as OCR misreads print ("neaped" for "heaped"): not a change */
  | 'ocr-misreading';

/** A finding about the quotation's fidelity or form, with where it applies. */
export interface Note {
  code: NoteCode;
  message: string;
  quote?: Span;
  source?: Span;
}

export type CueCode =
  | 'negation'
  | 'contrast'
  | 'mid-sentence-cut'
  | 'turn-after'
  | 'framing-before'
  | 'large-share-omitted'
  | 'speaker-change';

/**
 * A hint for a reader or a teacher: "worth a look", never a verdict.
 * `segment` indexes `segments` when the cue concerns one segment.
 */
export interface Cue {
  code: CueCode;
  message: string;
  segment?: number;
  source?: Span;
  quote?: Span;
  /** the word or phrase that raised the cue, as it stands in the text */
  trigger?: string;
}

/**
 * The verdict's scale, gravest first: `rating` is the first that applies (docs/contract.md,
 * "The verdict").
 */
export const RATINGS = [
  'not-found',
  'partly-found',
  'silent-omission',
  'altered',
  'meaning-at-risk',
  'marked-omission',
  'verbatim',
] as const;
export type Rating = (typeof RATINGS)[number];

/** What decided a verdict: a note or cue code, with the segment it concerns when there is one. */
export interface VerdictReason {
  code: NoteCode | CueCode;
  /** index into `segments` */
  segment?: number;
}

/** One judgement of the whole comparison, computed once by the engine; every surface shows it as it is. */
export interface Verdict {
  rating: Rating;
  /** one plain sentence a reader can trust, quoting the words that matter */
  summary: string;
  reasons: VerdictReason[];
}

export interface Nearest {
  source: Span;
  /** quotation words the passage holds, in order */
  sharedWords: number;
  /** the quotation's words (its own, without bracketed ones) */
  quoteWords: number;
}

export interface Comparison {
  version: 1;
  found: boolean;
  span: Span | null;
  fragments: Fragment[];
  segments: Segment[];
  stats: Stats;
  /** fragments stand in the source in an order other than the quotation's */
  reordered: boolean;
  notes: Note[];
  cues: Cue[];
  /** the ellipsis marks the engine found in the quotation (offsets in the quotation), so no surface parses it again */
  ellipses: Span[];
  /** the quoter's notes about the quotation ("[sic]", "[emphasis added]", "(emphasis mine)"), offsets in the quotation: neither words of it nor a change */
  editorialNotes?: Span[];
  /**
   * a quotation in pieces (`The committee "did … approve the budget"`): the writer's own
   * words outside its inner quotation marks, offsets in the quotation; they belong to no
   * fragment and no segment and are never matched. [] when the quotation is read whole.
   */
  paraphrase?: Span[];
  /**
   * when nothing of the quotation is found: the source passage that comes nearest, with how
   * many of the quotation's words it shares (in order); null when it shares none. Absent when found.
   */
  nearest?: Nearest | null;
  verdict: Verdict;
  /**
   * where the span's start stands in an imported source: its page (PDF), chapter (EPUB)
   * or heading (HTML, TEI, DOCX); never computed by the engine, added by the shells
   * from the source's map when the source was imported
   */
  where?: SourceLocation;
}

/** A place in an imported source, as a citation names it. */
export interface SourceLocation {
  /** the printed page label when the PDF has one, else the page's number */
  page?: number | string;
  chapter?: string;
  heading?: string;
}

export interface CompareOptions {
  /**
   * whole sentences of context each side beyond the sentence the quotation starts/ends in
   * (default 2); context does not cross a paragraph break once it holds some text
   */
  contextSentences?: number;
  /** when set, context is this many words each side instead of sentences */
  contextWords?: number;
  /**
   * sources of at least this many characters, seen for the first time, are first
   * searched for rare words and prepared only where the quotation can stand (default
   * 100,000); the result is the same, only faster. Tests set it to test that path.
   */
  quickLocateAbove?: number;
}
