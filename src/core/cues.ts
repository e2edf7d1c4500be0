/**
 * Cues: what a teacher would point at in a comparison, as hints ("worth a look"),
 * never as verdicts. For every omission and for the context around the quotation:
 *
 * - `negation`, `contrast`: the omitted text holds a negation, or a contrast or
 *   concession word (English, German and Russian lists below);
 * - `mid-sentence-cut`: an omission, or the quotation's first or last edge, cuts a
 *   sentence in the middle;
 * - `turn-after`: the words right after the quotation turn against it ("Yet…", "Of course…");
 * - `framing-before`: the words right before it frame it as someone else's claim
 *   ("It is said that…", "Critics claim that…");
 * - `large-share-omitted`: over a third of the words in the quoted span are left out;
 * - `speaker-change`: the source reports someone else's words around or inside the span
 *   (quotation marks, "said", "wrote"), so the quotation may change who speaks.
 *
 * Pure and linear: every look-around scans a bounded window of the source (a sentence
 * rarely runs past 1,000 characters; beyond that a cut is not called mid-sentence),
 * and the word lists are Unicode-aware regular expressions, so no Intl.Segmenter.
 * Deliberately not here: judging whether a cut is fair, or parsing grammar.
 */
import type { Cue, Segment, Span } from './types.js';
import { isSentenceEndAt } from './sentences.js';
import { countWords } from './text.js';

export interface CueInput {
  quote: string;
  source: string;
  segments: Segment[];
  span: Span | null;
}

/** How far a look-around may scan for a sentence boundary or a quotation mark, in code units. */
const WINDOW = 1000;
/** Over this share of the span's words omitted, the quotation keeps less than it looks. */
const LARGE_SHARE = 1 / 3;

// Word boundaries that work for every script: \b knows only ASCII.
const B_BEFORE = '(?<![\\p{L}\\p{M}\\p{N}])';
const B_AFTER = '(?![\\p{L}\\p{M}\\p{N}])';
function wordList(words: string[], flags = 'giu'): RegExp {
  return new RegExp(`${B_BEFORE}(?:${words.join('|')})${B_AFTER}`, flags);
}

const NEGATION = wordList([
  // English
  'not', 'never', 'no', 'nor', 'neither', 'none', 'nothing', 'nobody', 'nowhere', 'cannot', "\\p{L}+n[’']t",
  // German
  'nicht', 'nie', 'niemals', 'nimmer', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'nichts', 'niemand', 'weder',
  // Russian
  'не', 'нет', 'никогда', 'ни', 'ничего', 'ничто', 'никто', 'нигде', 'нельзя', 'отнюдь',
]);

const CONTRAST = wordList([
  // English
  'but', 'however', 'although', 'though', 'yet', 'unless', 'except', 'only', 'nevertheless', 'nonetheless',
  'whereas', 'despite', 'instead', 'on the other hand',
  // German
  'aber', 'doch', 'jedoch', 'obwohl', 'obgleich', 'obschon', 'wenngleich', 'trotzdem', 'dennoch', 'allerdings',
  'sondern', 'außer', 'nur', 'es sei denn',
  // Russian
  'но', 'однако', 'хотя', 'зато', 'кроме', 'только', 'лишь', 'впрочем', 'тем не менее', 'вс[её] же', 'если не',
]);

/** Every negation or contrast word in `text` (offsets shifted by `offset`), in order. */
export function negationsAndContrasts(text: string, offset: number): Array<{ code: 'negation' | 'contrast'; word: string; span: Span }> {
  const found: Array<{ code: 'negation' | 'contrast'; word: string; span: Span }> = [];
  for (const [code, pattern] of [['negation', NEGATION], ['contrast', CONTRAST]] as const) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const start = offset + match.index;
      found.push({ code, word: match[0], span: { start, end: start + match[0].length } });
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

/** A sentence that opens with one of these turns against what came before it. */
const TURN_OPENING = new RegExp(
  `^(?:${[
    'but', 'yet', 'however', 'although', 'though', 'nevertheless', 'nonetheless', 'still', 'instead', 'on the other hand',
    'of course', 'in fact', 'actually', 'admittedly', 'that said', 'even so', 'and yet',
    'aber', 'doch', 'jedoch', 'allerdings', 'trotzdem', 'dennoch', 'freilich', 'natürlich', 'indessen', 'andererseits',
    'но', 'однако', 'хотя', 'впрочем', 'тем не менее', 'вс[её] же', 'конечно', 'зато', 'на самом деле', 'с другой стороны',
  ].join('|')})${B_AFTER}`,
  'iu',
);

/** Words that present what follows as someone else's claim. */
const FRAMING = new RegExp(
  [
    // English
    `${B_BEFORE}it\\s+(?:is|was|has\\s+been)\\s+(?:said|claimed|alleged|argued|believed|thought|rumou?red|reported|asserted|suggested)${B_AFTER}`,
    `${B_BEFORE}(?:some|many|critics|opponents|sceptics|skeptics|they|people|others|detractors|enemies)\\s+(?:have\\s+)?(?:say|said|claim|claimed|allege|alleged|argue|argued|believe|suggest|contend|maintain|insist)${B_AFTER}`,
    `${B_BEFORE}(?:claims?|claimed|alleges?|alleged|argues?|argued|insists?|insisted|contends?|contended|asserts?|asserted)\\s+that${B_AFTER}`,
    `${B_BEFORE}(?:allegedly|supposedly|reportedly|purportedly|according\\s+to|so-called)${B_AFTER}`,
    // German
    `${B_BEFORE}(?:man\\s+sagt|es\\s+heißt|es\\s+wird\\s+(?:gesagt|behauptet|vermutet|erzählt)|angeblich|vorgeblich|laut|sogenannte[nmrs]?)${B_AFTER}`,
    `${B_BEFORE}(?:kritiker|gegner|manche|viele|einige|sie)\\s+(?:behaupten|sagen|meinen|glauben|werfen)${B_AFTER}`,
    `${B_BEFORE}behauptet(?:e|en)?,?\\s+dass${B_AFTER}`,
    // Russian
    `${B_BEFORE}(?:говорят|утверждают|считается|считают|полагают|пишут|заявляют),?\\s+(?:что|будто)${B_AFTER}`,
    `${B_BEFORE}(?:якобы|будто\\s+бы|по\\s+словам|по\\s+мнению|так\\s+называем\\p{L}*)${B_AFTER}`,
    `${B_BEFORE}(?:критики|противники|некоторые|многие|они)\\s+(?:утверждают|говорят|считают|полагают|пишут)${B_AFTER}`,
  ].join('|'),
  'iu',
);

/** Verbs that report someone's words: the text next to them is that someone's, not the author's. */
const REPORTING = wordList([
  'said', 'says', 'say', 'saying', 'wrote', 'writes', 'writing', 'claimed', 'claims', 'declared', 'stated', 'asked',
  'replied', 'answered', 'told', 'remarked', 'added', 'insisted', 'argued', 'exclaimed', 'announced', 'put it',
  'sagte', 'sagt', 'schrieb', 'schreibt', 'erklärte', 'behauptete', 'meinte', 'fragte', 'antwortete', 'rief',
  'сказал', 'сказала', 'сказали', 'говорил', 'говорила', 'писал', 'писала', 'написал', 'написала', 'заявил', 'заявила',
  'утверждал', 'утверждала', 'ответил', 'ответила', 'спросил', 'спросила', 'говорит', 'пишет', 'сказано',
]);

const LETTER = /\p{L}/u;
const CLOSERS_AFTER_END = /[\s"'”’»)\]›」』]/u;

function hasLetter(text: string): boolean {
  return LETTER.test(text);
}

/** Does a full stop (or ?, !, …, 。) at `i` end a sentence? The engine's one detector (sentences.ts). */
function endsSentenceAt(text: string, i: number): boolean {
  return isSentenceEndAt(text, i) !== null;
}

function isParagraphBreakAt(text: string, i: number): boolean {
  if (text[i] !== '\n') return false;
  let j = i + 1;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
  return text[j] === '\n';
}

/**
 * Where the sentence holding offset `pos` begins: just after the previous sentence end or
 * paragraph break, or `pos - WINDOW` when none is near (then the caller cannot tell).
 */
export function sentenceStartBefore(text: string, pos: number): { start: number; known: boolean } {
  const limit = Math.max(0, pos - WINDOW);
  for (let i = pos - 1; i >= limit; i--) {
    if (isParagraphBreakAt(text, i) || endsSentenceAt(text, i)) {
      let start = i + 1;
      while (start < pos && (/\s/.test(text[start] as string) || CLOSERS_AFTER_END.test(text[start] as string))) start++;
      return { start, known: true };
    }
  }
  return { start: limit, known: limit === 0 };
}

/**
 * Where the sentence holding offset `pos` ends: just past its full stop (and any closing
 * quotation mark), or at a paragraph break; `known` is false when none is within reach.
 */
export function sentenceEndAfter(text: string, pos: number): { end: number; known: boolean } {
  const limit = Math.min(text.length, pos + WINDOW);
  for (let i = pos; i < limit; i++) {
    if (isParagraphBreakAt(text, i)) return { end: i, known: true };
    if (endsSentenceAt(text, i)) {
      let end = i + 1;
      while (end < text.length && /["”’»)\]›」』]/u.test(text[end] as string)) end++;
      return { end, known: true };
    }
  }
  return { end: limit, known: limit === text.length };
}

/** The part of `pos`'s sentence on its left, when it holds letters: the words a cut at `pos` leaves behind on that side. */
function cutsSentenceOnLeft(text: string, pos: number): Span | null {
  const { start } = sentenceStartBefore(text, pos);
  return hasLetter(text.slice(start, pos)) ? { start, end: pos } : null;
}

/** The part of `pos`'s sentence on its right, when it holds letters; null when `pos` is between sentences. */
function cutsSentenceOnRight(text: string, pos: number): Span | null {
  if (sentenceStartBefore(text, pos).start === pos) return null;
  const { end } = sentenceEndAfter(text, pos);
  return hasLetter(text.slice(pos, end)) ? { start: pos, end } : null;
}

/** Does a cut at `pos` fall between two words of one sentence? */
function isMidSentence(text: string, pos: number): boolean {
  return cutsSentenceOnLeft(text, pos) !== null && cutsSentenceOnRight(text, pos) !== null;
}

/** A short, single-line excerpt for a message. */
function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

function quoted(text: string): string {
  return `“${excerpt(text)}”`;
}

/** The distinct matches of a word list in a text, in order, with their offsets. */
function matchesOf(pattern: RegExp, text: string, offset: number): Array<{ word: string; span: Span }> {
  const found: Array<{ word: string; span: Span }> = [];
  const seen = new Set<string>();
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) {
    const word = match[0];
    const key = word.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const start = offset + (match.index ?? 0);
    found.push({ word, span: { start, end: start + word.length } });
  }
  return found;
}

function listWords(words: string[]): string {
  const shown = words.slice(0, 3).map((w) => `“${w}”`);
  const more = words.length > 3 ? ` and ${words.length - 3} more` : '';
  return shown.join(', ') + more;
}

/** The start of the first word at or after `pos` (skipping spaces and punctuation), within `end`. */
function firstWordAt(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end && !/[\p{L}\p{N}]/u.test(text[i] as string)) i++;
  return i;
}

const OPENING_MARKS = new Set(['“', '„', '«', '‹', '‘', '‚', '「', '『']);
const CLOSING_MARKS = new Set(['”', '»', '›', '’', '」', '』']);
const ANY_QUOTE_MARK = /["“”„«»‹›‘‚「」『』]/u;

/**
 * Is offset `pos` inside quotation marks that opened earlier in the same paragraph?
 * Returns the opening mark's offset, or -1. ’ between letters is an apostrophe, not a mark;
 * “ closes a German „; a straight " toggles.
 */
function openQuotationAt(text: string, pos: number): number {
  const limit = Math.max(0, pos - WINDOW);
  let from = limit;
  for (let i = pos - 1; i >= limit; i--) {
    if (isParagraphBreakAt(text, i)) {
      from = i + 1;
      break;
    }
  }
  const stack: Array<{ mark: string; at: number }> = [];
  let straightOpen = -1;
  for (let i = from; i < pos; i++) {
    const ch = text[i] as string;
    const prevIsLetter = /[\p{L}\p{N}]/u.test(text[i - 1] ?? '');
    const nextIsLetter = /[\p{L}\p{N}]/u.test(text[i + 1] ?? '');
    if (ch === '"') {
      straightOpen = straightOpen < 0 ? i : -1;
    } else if (ch === '“' && stack.length > 0 && stack[stack.length - 1]?.mark === '„') {
      stack.pop();
    } else if (ch === '‘' && prevIsLetter) {
      continue; // a turned apostrophe inside a word
    } else if (OPENING_MARKS.has(ch)) {
      stack.push({ mark: ch, at: i });
    } else if (CLOSING_MARKS.has(ch)) {
      if (ch === '’' && prevIsLetter && nextIsLetter) continue; // "I’m", "Stalin’s"
      if (ch === '’' && !stack.some((s) => s.mark === '‘' || s.mark === '‚')) continue; // a possessive or elision
      stack.pop();
    }
  }
  if (stack.length > 0) return (stack[stack.length - 1] as { at: number }).at;
  return straightOpen;
}

function segmentIndexOf(segments: Segment[], kind: Segment['kind']): number | undefined {
  const index = segments.findIndex((s) => s.kind === kind);
  return index >= 0 ? index : undefined;
}

/**
 * Finds the cues of one comparison. Returns [] when the quotation was not found (there is
 * no span to look around). Cue.segment indexes `segments`; Cue.source spans the source.
 */
export function findCues(input: CueInput): Cue[] {
  const { quote, source, segments, span } = input;
  const cues: Cue[] = [];
  if (!span) return cues;

  // Omissions: what the cut words say, and whether the cut splits a sentence.
  let omittedWords = 0;
  segments.forEach((segment, index) => {
    if (segment.kind !== 'omission' || !segment.source) return;
    const { start, end } = segment.source;
    const omitted = source.slice(start, end);
    omittedWords += countWords(omitted);
    const how = segment.paraphrased ? 'left out between the quoted pieces' : segment.marked ? 'cut with an ellipsis' : 'left out without an ellipsis';

    const negations = matchesOf(NEGATION, omitted, start);
    if (negations.length > 0) {
      cues.push({
        code: 'negation',
        message: `Worth a look: the words ${how} include a negation (${listWords(negations.map((m) => m.word))}). Does the cut turn a denial into an assertion, or weaken it?`,
        segment: index,
        source: { start, end },
        trigger: (negations[0] as { word: string }).word,
      });
    }
    const contrasts = matchesOf(CONTRAST, omitted, start);
    if (contrasts.length > 0) {
      cues.push({
        code: 'contrast',
        message: `Worth a look: the words ${how} include a contrast or a qualification (${listWords(contrasts.map((m) => m.word))}). Did the author limit or answer the claim the quotation keeps?`,
        segment: index,
        source: { start, end },
        trigger: (contrasts[0] as { word: string }).word,
      });
    }

    // A cut that falls between two words of one sentence, rather than between sentences.
    const cutAtStart = isMidSentence(source, start);
    const cutAtEnd = isMidSentence(source, end);
    if (cutAtStart || cutAtEnd) {
      const where =
        cutAtStart && cutAtEnd
          ? hasSentenceEndBetween(source, start, end)
            ? 'joins the start of one sentence to the end of another'
            : 'takes words out of the middle of a sentence'
          : cutAtStart
            ? 'cuts off the end of a sentence'
            : 'cuts off the start of a sentence';
      cues.push({
        code: 'mid-sentence-cut',
        message: `Worth a look: this omission ${where}. Read the whole sentence in the source: does it still say what the quotation makes it say?`,
        segment: index,
        source: { start, end },
        trigger: excerpt(omitted, 40),
      });
    }
  });

  // A bracketed change that drops or adds a negation ("[very]" for "not"): bracket
  // practice shows the change, but not that it turns the meaning round.
  segments.forEach((segment, index) => {
    if (segment.kind !== 'alteration' || !segment.editorial || segment.caseOnly || !segment.source || !segment.quote) return;
    const sourceWords = matchesOf(NEGATION, source.slice(segment.source.start, segment.source.end), segment.source.start);
    const quoteWords = matchesOf(NEGATION, quote.slice(segment.quote.start, segment.quote.end), segment.quote.start);
    if (sourceWords.length === quoteWords.length) return;
    const dropped = sourceWords.length > quoteWords.length;
    const word = (dropped ? sourceWords[0] : quoteWords[0])!.word;
    cues.push({
      code: 'negation',
      message: `Worth a look: the words in square brackets ${dropped ? 'replace' : 'add'} a negation (“${word}”). Brackets show the change, but does it turn the meaning round?`,
      segment: index,
      ...(dropped ? { source: segment.source } : { quote: segment.quote }),
      trigger: word,
    });
  });

  // The quotation's own edges.
  const beforeIndex = segmentIndexOf(segments, 'context-before');
  const afterIndex = segmentIndexOf(segments, 'context-after');
  const leftOut = cutsSentenceOnLeft(source, span.start);
  if (leftOut) {
    cues.push({
      code: 'mid-sentence-cut',
      message: `Worth a look: the quotation starts in the middle of a sentence; the source's sentence begins ${quoted(source.slice(leftOut.start, leftOut.end))}. What do the words left out at the start do to its meaning?`,
      ...(beforeIndex !== undefined ? { segment: beforeIndex } : {}),
      source: leftOut,
      trigger: excerpt(source.slice(leftOut.start, leftOut.end), 40),
    });
  }
  const rightOut = cutsSentenceOnRight(source, span.end);
  if (rightOut) {
    cues.push({
      code: 'mid-sentence-cut',
      message: `Worth a look: the quotation stops in the middle of a sentence; the source goes on ${quoted(source.slice(rightOut.start, rightOut.end))}. Does the rest of the sentence qualify what was quoted?`,
      ...(afterIndex !== undefined ? { segment: afterIndex } : {}),
      source: rightOut,
      trigger: excerpt(source.slice(rightOut.start, rightOut.end), 40),
    });
  }

  // The sentence after the quotation (or the rest of its own sentence) turns against it.
  const turn = findTurnAfter(source, span.end);
  if (turn) {
    cues.push({
      code: 'turn-after',
      message: `Worth a look: right after the quotation the source turns with ${quoted(turn.word)}: ${quoted(source.slice(turn.span.start, sentenceEndAfter(source, turn.span.start).end))}. Does the author go on to answer or qualify the quoted words?`,
      ...(afterIndex !== undefined ? { segment: afterIndex } : {}),
      source: turn.span,
      trigger: turn.word,
    });
  }

  // The words just before the quotation present it as a claim someone else makes.
  const frame = findFramingBefore(source, span.start);
  if (frame) {
    cues.push({
      code: 'framing-before',
      message: `Worth a look: just before the quotation the source frames it with ${quoted(frame.word)}. Is the quoted view the author's own, or one the author reports or disputes?`,
      ...(beforeIndex !== undefined ? { segment: beforeIndex } : {}),
      source: frame.span,
      trigger: frame.word,
    });
  }

  // A large share of the passage left out.
  const spanWords = countWords(source.slice(span.start, span.end));
  if (spanWords > 0 && omittedWords / spanWords > LARGE_SHARE) {
    const percent = Math.round((omittedWords / spanWords) * 100);
    cues.push({
      code: 'large-share-omitted',
      message: `Worth a look: the quotation leaves out ${omittedWords} of the ${spanWords} words between its first and last word in the source (${percent}%). Does what was kept stand for the passage?`,
      source: { start: span.start, end: span.end },
      trigger: `${percent}%`,
    });
  }

  cues.push(...findSpeakerChange(quote, source, span, segments));
  return cues;
}

function hasSentenceEndBetween(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (isParagraphBreakAt(text, i) || endsSentenceAt(text, i)) return true;
  }
  return false;
}

/** The turning word that opens the rest of the quotation's sentence or the next sentence. */
function findTurnAfter(source: string, spanEnd: number): { word: string; span: Span } | null {
  const candidates: number[] = [];
  if (sentenceStartBefore(source, spanEnd).start === spanEnd) {
    // The quotation ends with its sentence: only the next sentence's opening counts.
    candidates.push(firstWordAt(source, spanEnd, Math.min(source.length, spanEnd + 200)));
  } else {
    const { end: sentenceEnd } = sentenceEndAfter(source, spanEnd);
    const restStart = firstWordAt(source, spanEnd, sentenceEnd);
    if (restStart < sentenceEnd) candidates.push(restStart);
    candidates.push(firstWordAt(source, sentenceEnd, Math.min(source.length, sentenceEnd + 200)));
  }
  for (const at of candidates) {
    if (at >= source.length || isBeyondParagraph(source, spanEnd, at)) continue;
    const match = TURN_OPENING.exec(source.slice(at, at + 40));
    if (match) return { word: match[0], span: { start: at, end: at + match[0].length } };
  }
  return null;
}

/** A framing phrase in the quotation's own sentence before it, or in the sentence before that. */
function findFramingBefore(source: string, spanStart: number): { word: string; span: Span } | null {
  const own = sentenceStartBefore(source, spanStart);
  const windows: Span[] = [{ start: own.start, end: spanStart }];
  let previousEnd = own.start;
  while (previousEnd > 0 && /[\s"'”’»)\]›」』]/u.test(source[previousEnd - 1] as string)) previousEnd--;
  if (own.known && previousEnd > 1) {
    // Step over the previous sentence's full stop, so the search starts inside that sentence.
    const previous = sentenceStartBefore(source, previousEnd - 1);
    if (!isBeyondParagraph(source, previous.start, own.start)) windows.push({ start: previous.start, end: own.start });
  }
  for (const window of windows) {
    const text = source.slice(window.start, window.end);
    const match = FRAMING.exec(text);
    if (match) {
      const start = window.start + match.index;
      return { word: match[0], span: { start, end: start + match[0].length } };
    }
  }
  return null;
}

function isBeyondParagraph(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isParagraphBreakAt(text, i)) return true;
  return false;
}

/**
 * The reporting verb that makes the words at `spanStart` someone else's speech: the span
 * starts inside quotation marks opened after "said", "wrote"…, or follows such a verb in
 * its own sentence. Null when there is none, or when its subject is the author ("I said",
 * "as we wrote"): that is the author speaking still.
 */
export function reportingVerbBefore(source: string, spanStart: number): { word: string; span: Span } | null {
  const opening = openQuotationAt(source, spanStart);
  const to = opening >= 0 ? opening : spanStart;
  const { start: sentenceStart } = sentenceStartBefore(source, to);
  const from = Math.min(sentenceStart, to);
  const verb = matchesOf(REPORTING, source.slice(from, to), from).pop();
  if (!verb) return null;
  const subject = source.slice(Math.max(from, verb.span.start - 30), verb.span.start);
  if (FIRST_PERSON_SUBJECT.test(subject)) return null;
  return verb;
}

const FIRST_PERSON_SUBJECT = new RegExp(`${B_BEFORE}(?:i|we|ich|wir|я|мы)(?:\\s+(?:have|had|once|already|also|hatte|habe|haben|уже))?\\s*$`, 'iu');

/** Someone else's words: the span starts inside quotation marks, follows a reporting verb, or holds marks the quotation drops. */
function findSpeakerChange(quote: string, source: string, span: Span, segments: Segment[]): Cue[] {
  const cues: Cue[] = [];
  const opening = openQuotationAt(source, span.start);
  if (opening >= 0) {
    const { start: sentenceStart } = sentenceStartBefore(source, opening);
    const lead = source.slice(Math.min(sentenceStart, opening), opening);
    const verb = matchesOf(REPORTING, lead, Math.min(sentenceStart, opening)).pop();
    cues.push({
      code: 'speaker-change',
      message: `Worth a look: in the source the quoted words stand inside quotation marks${verb ? ` after ${quoted(verb.word)}` : ''}: they are someone else's words that the author reports. Does the quotation present them as the author's own?`,
      source: { start: opening, end: span.start },
      trigger: source[opening] as string,
    });
    return cues;
  }
  const { start: sentenceStart } = sentenceStartBefore(source, span.start);
  const lead = source.slice(sentenceStart, span.start);
  const verb = matchesOf(REPORTING, lead, sentenceStart).pop();
  if (verb) {
    cues.push({
      code: 'speaker-change',
      message: `Worth a look: in the source the quoted words follow ${quoted(verb.word)}: the author is reporting what someone else said or wrote. Does the quotation present them as the author's own?`,
      source: verb.span,
      trigger: verb.word,
    });
    return cues;
  }
  // Marks in the words the quotation reproduces (not in what it cut) that the quotation does not show.
  if (ANY_QUOTE_MARK.test(quote)) return cues;
  for (const segment of segments) {
    if ((segment.kind !== 'match' && segment.kind !== 'alteration') || !segment.source) continue;
    const kept = source.slice(segment.source.start, segment.source.end);
    const offset = [...kept].findIndex((ch) => OPENING_MARKS.has(ch) || ch === '"');
    if (offset < 0) continue;
    const at = segment.source.start + [...kept].slice(0, offset).join('').length;
    cues.push({
      code: 'speaker-change',
      message: 'Worth a look: the source puts part of the quoted words in quotation marks (someone else speaks there), but the quotation drops the marks. Whose words does the reader think they are?',
      source: { start: at, end: at + 1 },
      trigger: source[at] as string,
    });
    break;
  }
  return cues;
}
