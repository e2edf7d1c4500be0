/**
 * The engine's verdict as people read it: an icon and a word for each rating of the
 * scale (never colour alone), the engine's one-sentence summary unchanged, and the
 * rating's place on a numeric scale for formats that want a number (ClaimReview).
 *
 * Deliberately no judging here: the rating and summary are comparison.verdict, computed
 * once by the engine (src/core/verdict.ts). Surfaces only choose how to show them.
 */
import { RATINGS, type Comparison, type Rating } from '../core/types.js';

/** How grave a rating is, for styling: the word and the icon carry the meaning, colour only repeats it. */
export type VerdictTone = 'faithful' | 'marked' | 'risk' | 'changed' | 'missing';

export interface RatingLook {
  /** a symbol drawn before the word, hidden from screen readers (the word says it) */
  icon: string;
  /** the rating in words, sentence case: "Meaning at risk" */
  word: string;
  tone: VerdictTone;
}

/** One look per rating. Only `verbatim` gets the check mark. */
export const RATING_LOOKS: Readonly<Record<Rating, RatingLook>> = {
  'not-found': { icon: '✗', word: 'Not found', tone: 'missing' },
  'partly-found': { icon: '◐', word: 'Partly found', tone: 'missing' },
  'silent-omission': { icon: '✂', word: 'Silent omission', tone: 'changed' },
  altered: { icon: '≠', word: 'Altered', tone: 'changed' },
  'meaning-at-risk': { icon: '⚠', word: 'Meaning at risk', tone: 'risk' },
  'marked-omission': { icon: '[…]', word: 'Marked omission', tone: 'marked' },
  verbatim: { icon: '✓', word: 'Verbatim', tone: 'faithful' },
};

/** The numeric scale: 1 for the gravest rating (`not-found`) up to 7 for `verbatim`. */
export const WORST_RATING_VALUE = 1;
export const BEST_RATING_VALUE = RATINGS.length;

export interface VerdictView extends RatingLook {
  rating: Rating;
  /** the engine's summary, exactly */
  summary: string;
  /** `rating` on the numeric scale, WORST_RATING_VALUE..BEST_RATING_VALUE */
  value: number;
  /** "⚠ Meaning at risk": the icon and the word, for plain-text surfaces */
  label: string;
}

export function ratingValue(rating: Rating): number {
  return RATINGS.indexOf(rating) + 1;
}

/** The verdict of a comparison, ready to show. */
export function presentVerdict(comparison: Pick<Comparison, 'verdict'>): VerdictView {
  const { rating, summary } = comparison.verdict;
  const look = RATING_LOOKS[rating];
  return { rating, summary, ...look, value: ratingValue(rating), label: `${look.icon} ${look.word}` };
}

/** "⚠ Meaning at risk. The source goes straight on: …": the verdict in one plain sentence pair. */
export function verdictText(comparison: Pick<Comparison, 'verdict'>): string {
  const verdict = presentVerdict(comparison);
  return `${verdict.label}. ${verdict.summary}`;
}

/** "Verdict: ⚠ Meaning at risk. …": the verdict's line in the plain-text surfaces (the CLI, the restored quotation). */
export function plainVerdictLine(comparison: Pick<Comparison, 'verdict'>): string {
  return `Verdict: ${verdictText(comparison)}`;
}
