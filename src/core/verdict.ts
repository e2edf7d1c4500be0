/**
 * The verdict: one judgement of a comparison, computed here once from its fragments,
 * segments, notes and cues, and shown as it is by every surface (docs/contract.md,
 * "The verdict"). `rating` is the gravest that applies, in the order of RATINGS:
 *
 *   not-found → partly-found → silent-omission → altered → meaning-at-risk →
 *   marked-omission → verbatim
 *
 * A bracketed change (`[their]` for `his`, `[T]he`, `[as the]`) is the quoter's visible,
 * legitimate edit: it is never a silent omission nor an unbracketed alteration, and a
 * bracketed capital is no change at all. `meaning-at-risk` must not accuse a faithful
 * quotation on a far-off word: a negation or contrast counts only in the words cut from
 * a sentence the quotation keeps part of (or in a short cut), a turn only at the very
 * next words, a frame only in the quotation's own sentence.
 *
 * Pure: no I/O. The summary is one plain sentence that quotes the words that matter.
 */
import { clip } from './classify.js';
import { negationsAndContrasts, reportingVerbBefore, sentenceEndAfter, sentenceStartBefore } from './cues.js';
import type { Comparison, Cue, Rating, Segment, Verdict, VerdictReason } from './types.js';

type Judged = Omit<Comparison, 'verdict'>;

/** A cut this short is read whole: a negation or contrast anywhere in it counts. */
const SHORT_CUT_WORDS = 12;

/** Words the left-out start of a sentence can end with only inside a phrase: the quotation then begins mid-phrase. */
const PHRASE_OPENER = /(?<![\p{L}])(?:of|the|a|an|than|whose|von|des|der|einer|eines)\s*$/iu;

/** Openings of the next words that turn against the quotation (not mere emphasis such as "in fact"). */
const TURNING = /^(?:but|yet|however|although|though|nevertheless|nonetheless|instead|on the other hand|of course|admittedly|that said|even so|and yet|aber|doch|jedoch|allerdings|trotzdem|dennoch|freilich|natürlich|andererseits|но|однако|хотя|впрочем|тем не менее|вс[её] же|конечно|зато|с другой стороны)$/iu;

export function judge(comparison: Judged, source: string, quote = ''): Verdict {
  const { fragments, segments, stats } = comparison;

  if (!comparison.found) {
    const nearest = comparison.nearest;
    const summary = nearest && nearest.sharedWords > 0
      ? `Nothing in the source comes close; the nearest passage shares ${nearest.sharedWords} of ${nearest.quoteWords} words: “${clip(source.slice(nearest.source.start, nearest.source.end), 80)}”.`
      : 'Nothing of this quotation is in the source.';
    return verdict('not-found', summary, [{ code: 'fragment-not-found' }]);
  }

  const missing = fragments.map((f, index) => ({ f, index })).filter(({ f }) => !f.found);
  if (missing.length > 0) {
    const reasons = unique(missing.map(({ index }) => {
      const segment = segments.findIndex((s) => s.kind === 'insertion' && s.fragment === index);
      return { code: 'fragment-not-found' as const, ...(segment >= 0 ? { segment } : {}) };
    }));
    const texts = missing.map(({ f }) => `“${clip(quote.slice(f.quote.start, f.quote.end), 60)}”`);
    const summary = missing.length === 1
      ? `${texts[0]} is not in the source; the rest is.`
      : `${missing.length} parts of this quotation are not in the source: ${texts.slice(0, 3).join('; ')}${missing.length > 3 ? '; …' : ''}.`;
    return verdict('partly-found', summary, reasons);
  }

  if (stats.silentOmissions > 0) {
    const silent = indexesOf(segments, (s) => s.kind === 'omission' && !s.marked && !s.pageFurniture);
    const first = segments[silent[0]!]!;
    const more = silent.length > 1 ? ` (and in ${silent.length - 1} more place${silent.length > 2 ? 's' : ''})` : '';
    const negation = negationsAndContrasts(first.sourceText ?? '', 0).find((w) => w.code === 'negation');
    const including = negation ? `, a negation (“${negation.word}”) among them` : '';
    return verdict('silent-omission',
      `Words of the source are left out with no ellipsis where they were cut: “${clip(first.sourceText ?? '', 70)}”${including}${more}.`,
      silent.map((segment) => ({ code: 'silent-omission', segment })));
  }

  // words of one unbroken stretch of the quotation that stand in the source in another order
  const moved = comparison.notes.find((n) => n.code === 'reordered' && n.quote);
  if (moved) {
    const reasons = segments.flatMap((s, index) => (s.quote && s.kind === 'match' && s.quote.start >= moved.quote!.start && s.quote.end <= moved.quote!.end ? [{ code: 'reordered' as const, segment: index }] : []));
    return verdict('altered', `The quotation puts the source’s words in another order with no ellipsis to show it: “${clip(quote.slice(moved.quote!.start, moved.quote!.end), 70)}”.`, reasons.length ? reasons : [{ code: 'reordered' }]);
  }

  const unbracketed = indexesOf(segments, (s) => (s.kind === 'alteration' || s.kind === 'insertion') && !s.editorial && !s.notFound);
  if (unbracketed.length > 0) {
    const first = segments[unbracketed[0]!]!;
    const more = unbracketed.length > 1 ? ` (and ${unbracketed.length - 1} more change${unbracketed.length > 2 ? 's' : ''})` : '';
    const what = first.kind === 'alteration'
      ? `“${clip(first.quoteText ?? '', 50)}” stands where the source has “${clip(first.sourceText ?? '', 50)}”`
      : `“${clip(first.quoteText ?? '', 60)}” is added`;
    return verdict('altered', `${what}, without square brackets${more}.`,
      unbracketed.map((segment) => ({ code: segments[segment]!.kind === 'alteration' ? 'unbracketed-alteration' : 'unbracketed-insertion', segment })));
  }

  const risks = meaningRisks(comparison, source);
  if (comparison.reordered) {
    // passages quoted, each marked, but in another order than the source's
    risks.unshift({ reason: { code: 'reordered' }, says: 'it joins its passages in another order than the source’s.' });
  }
  const marked = stats.markedOmissions;
  const cut = `Cut only where ${marked === 1 ? 'an ellipsis shows' : 'ellipses show'} it (${marked} cut${marked === 1 ? '' : 's'})`;
  const edits = stats.editorialChanges;
  const bracketed = (edits === 0 ? '' : `, with ${edits} change${edits === 1 ? '' : 's'} in square brackets`) + ocrAllowance(segments);
  // a quotation in pieces claims only the words inside its marks; the words around are the writer's
  const pieces = quotedPieces(comparison);
  const wordForWord = pieces === 0 ? 'Word for word' : pieces === 1 ? 'The quoted words are word for word' : `Each of the ${pieces} quoted pieces is word for word`;
  const around = 'the words around them are the writer’s own';
  if (risks.length > 0) {
    return verdict('meaning-at-risk', `${marked > 0 ? cut : wordForWord}${bracketed}, but ${risks[0]!.says}`, unique(risks.map((r) => r.reason)));
  }
  if (marked > 0) {
    return verdict('marked-omission', pieces === 0
      ? `${cut}${bracketed}; the words kept are the source’s own.`
      : `${cut}${bracketed}; the quoted words are the source’s own and ${around}.`, []);
  }
  if (pieces > 0) return verdict('verbatim', `${wordForWord}${bracketed}; ${around}.`, []);
  return verdict('verbatim', `Word for word as the source has it${bracketed}.`, []);
}

/** ", allowing for 2 words the source’s OCR misread (“neaped” for “heaped”, …)": told, never hidden. */
function ocrAllowance(segments: Segment[]): string {
  const misread = segments.filter((s) => s.kind === 'match' && s.ocrReading);
  if (misread.length === 0) return '';
  const words = misread.reduce((n, s) => n + (s.quoteText ?? '').split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length, 0);
  const first = misread[0]!;
  const example = `“${clip(first.sourceText ?? '', 30)}” for “${clip(first.quoteText ?? '', 30)}”${misread.length > 1 ? ', …' : ''}`;
  return `, allowing for ${words === 1 ? 'a word' : `${words} words`} the source’s OCR misread (${example})`;
}

/**
 * How many quoted pieces a quotation in pieces has (0 when it is read whole): runs of
 * fragments with none of the writer's words between them.
 */
export function quotedPieces(comparison: Pick<Judged, 'fragments' | 'paraphrase'>): number {
  const paraphrase = comparison.paraphrase ?? [];
  if (paraphrase.length === 0) return 0;
  const quoted = comparison.fragments.map((f) => f.quote).sort((a, b) => a.start - b.start);
  let pieces = quoted.length > 0 ? 1 : 0;
  for (let k = 1; k < quoted.length; k++) {
    if (paraphrase.some((p) => p.start >= quoted[k - 1]!.end && p.end <= quoted[k]!.start)) pieces++;
  }
  return pieces;
}

function verdict(rating: Rating, summary: string, reasons: VerdictReason[]): Verdict {
  return { rating, summary, reasons };
}

function indexesOf(segments: Segment[], predicate: (s: Segment) => boolean): number[] {
  return segments.flatMap((s, index) => (predicate(s) ? [index] : []));
}

function unique(reasons: VerdictReason[]): VerdictReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.code}:${r.segment ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Risk {
  reason: VerdictReason;
  /** the rest of the summary sentence, after "…, but " */
  says: string;
}

/**
 * What puts a faithful or honestly cut quotation's meaning at risk, most telling first:
 * words cut from a kept sentence that hold a negation or contrast, a bracketed change that
 * drops a negation, the source turning right after, a frame just before, someone else's
 * speech.
 */
function meaningRisks(comparison: Judged, source: string): Risk[] {
  const { segments, cues, span } = comparison;
  const risks: Risk[] = [];
  const reasonOf = (cue: Cue): VerdictReason => ({ code: cue.code, ...(cue.segment !== undefined ? { segment: cue.segment } : {}) });

  for (const cue of cues) {
    if ((cue.code !== 'negation' && cue.code !== 'contrast') || cue.segment === undefined) continue;
    const segment = segments[cue.segment];
    if (!segment?.source) continue;
    if (segment.kind === 'alteration') {
      risks.push({ reason: reasonOf(cue), says: `the words in square brackets stand where the source has “${clip(segment.sourceText ?? '', 60)}”, a negation the quotation drops.` });
      continue;
    }
    if (segment.kind !== 'omission') continue;
    const word = cuttingWord(source, segment, cue.code);
    if (!word) continue;
    const what = cue.code === 'negation' ? 'a negation' : 'a qualification';
    const cut = (segment.sourceText ?? '').trim();
    const says = cut.replace(/[\s,.;:]+$/u, '') === word
      // one word cut: show it in its place ("…that he did not come…")
      ? `the word cut is ${what}: the source has “${clip(source.slice(Math.max(0, segment.source.start - 40), segment.source.end + 40).replace(/^\S*\s/u, '').replace(/\s\S*$/u, ''), 100)}”.`
      : `the words cut hold ${what} (“${word}”): “${clip(segment.sourceText ?? '', 80)}”.`;
    risks.push({ reason: reasonOf(cue), says });
  }

  // The words cut at the quotation's own edges, from sentences it keeps part of.
  if (span) {
    const sentenceStart = sentenceStartBefore(source, span.start).start;
    const leftOut = source.slice(sentenceStart, span.start);
    const edgeCue = (side: 'before' | 'after') => cues.find((c) => c.code === 'mid-sentence-cut' && c.segment !== undefined
      && segments[c.segment]?.kind === (side === 'before' ? 'context-before' : 'context-after'));
    const before = edgeCue('before');
    if (before && /\p{L}/u.test(leftOut)) {
      const negation = negationsAndContrasts(leftOut, sentenceStart).find((w) => w.code === 'negation');
      if (negation) {
        risks.push({ reason: reasonOf(before), says: `the words left out before it in the same sentence hold a negation (“${negation.word}”): “${clip(leftOut, 80)}”.` });
      } else if (PHRASE_OPENER.test(leftOut)) {
        // "For the love of | money is the root of all evil": the quotation starts inside a phrase
        risks.push({ reason: reasonOf(before), says: `it starts in the middle of a phrase; the source’s sentence begins “${clip(source.slice(sentenceStart, sentenceEndAfter(source, span.start).end), 90)}”` });
      }
    }
    const after = edgeCue('after');
    const sentenceEnd = sentenceEndAfter(source, span.end).end;
    const rest = source.slice(span.end, sentenceEnd);
    if (after && /\p{L}/u.test(rest)) {
      const word = negationsAndContrasts(rest, span.end).find((w) => w.code === 'negation' || inQuotedClause(rest, w.span.start - span.end));
      if (word && !TURNING.test(word.word)) {
        risks.push({ reason: reasonOf(after), says: `the rest of its sentence, left out, holds ${word.code === 'negation' ? 'a negation' : 'a qualification'} (“${word.word}”): “${clip(rest.replace(/^[\s,;:]+/u, ''), 80)}”` });
      }
    }
  }

  for (const cue of cues) {
    if (cue.code === 'turn-after' && cue.source && TURNING.test((cue.trigger ?? '').replace(/\s+/g, ' '))) {
      risks.push({ reason: reasonOf(cue), says: `the source goes straight on: “${clip(sentenceFrom(source, cue.source.start), 160)}”` });
    }
  }

  if (span) {
    const own = sentenceStartBefore(source, span.start).start;
    for (const cue of cues) {
      if (cue.code !== 'framing-before' || !cue.source || cue.source.start < own) continue;
      risks.push({ reason: reasonOf(cue), says: `the words just before present it as someone else’s: “${clip(source.slice(own, span.start), 90)}”` });
    }
    const verb = cues.some((c) => c.code === 'speaker-change') ? reportingVerbBefore(source, span.start) : null;
    if (verb) {
      const cue = cues.find((c) => c.code === 'speaker-change')!;
      const lead = source.slice(sentenceStartBefore(source, verb.span.start).start, span.start);
      risks.push({ reason: reasonOf(cue), says: `in the source these are someone else’s words: “${clip(lead, 90)}”` });
    }
  }
  return risks;
}

/**
 * The negation or contrast word of a cut that bears on the words kept: in a short cut,
 * any; in a long one, only in the part of a sentence the quotation keeps some of.
 */
function cuttingWord(source: string, omission: Segment, code: 'negation' | 'contrast'): string | null {
  const { start, end } = omission.source!;
  const words = negationsAndContrasts(source.slice(start, end), start).filter((w) => w.code === code);
  if (words.length === 0) return null;
  const cutWords = (omission.sourceText ?? '').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  if (cutWords <= SHORT_CUT_WORDS) return words[0]!.word;
  // the cut's first sentence, when the cut starts inside it, and its last, when it ends inside it
  const leftEnd = sentenceStartBefore(source, start).start < start ? sentenceEndAfter(source, start).end : start;
  const rightStart = sentenceEndAfter(source, end).end > end && sentenceStartBefore(source, end).start < end ? sentenceStartBefore(source, end).start : end;
  const near = words.find((w) => w.span.start < leftEnd || w.span.start >= rightStart);
  return near ? near.word : null;
}

/**
 * Does a qualifying word at `at` in the rest of a sentence bear on the quoted clause? Only
 * when no clause punctuation stands between the quotation's end and it, or it is the very
 * first word after such a mark ("…, only when…"); "…, after the border settlements only the
 * Togo border remains" is another clause's business.
 */
function inQuotedClause(rest: string, at: number): boolean {
  const between = rest.slice(0, at);
  if (!/[,;:\u2013\u2014]/u.test(between)) return true;
  return /^[\s,;:\u2013\u2014]*$/u.test(between);
}

/** The words from `start` to the end of their sentence. */
function sentenceFrom(source: string, start: number): string {
  return source.slice(start, sentenceEndAfter(source, start).end).trim();
}
