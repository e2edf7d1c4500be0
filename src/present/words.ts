/**
 * Numbers and excerpts as people read them: plural forms, word counts that agree with
 * the engine's (its own tokenizer, so a cut of "6 words" here is 6 in `stats`), the
 * counts of a comparison in one line, and excerpts clipped at a word.
 */
import { tokenize } from '../core/text.js';
import type { Comparison } from '../core/types.js';

/** "1 word", "2 words"; `many` for irregular plurals ("2 words or phrases"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Words as the engine counts them (any script; Han characters one word each). "" → 0. */
export function countWords(text: string): number {
  return tokenize(text).count;
}

/** Counts a reader needs beyond `stats`. */
export interface Tally {
  fragments: number;
  fragmentsFound: number;
  /** source words between the first and last quoted word (quoted + omitted) */
  spanWords: number;
  /** share of the span's words left out, 0..100, rounded */
  omittedPercent: number;
}

export function tally(comparison: Comparison): Tally {
  const { stats } = comparison;
  const spanWords = stats.quotedWords + stats.omittedWords;
  return {
    fragments: comparison.fragments.length,
    fragmentsFound: comparison.fragments.filter((f) => f.found).length,
    spanWords,
    omittedPercent: spanWords === 0 ? 0 : Math.round((100 * stats.omittedWords) / spanWords),
  };
}

/** The changes `stats` counts one by one, in the order the counts line lists them. */
export type CountedChange = 'silentOmissions' | 'markedOmissions' | 'paraphrasedOmissions' | 'insertions' | 'alterations' | 'editorialChanges';

const COUNTED: ReadonlyArray<[CountedChange, string, string]> = [
  ['silentOmissions', 'silent omission', 'silent omissions'],
  ['markedOmissions', 'marked omission', 'marked omissions'],
  // a quotation in pieces: the source's words between its quoted pieces (stats has it only then)
  ['paraphrasedOmissions', 'cut between quoted pieces', 'cuts between quoted pieces'],
  ['insertions', 'insertion without brackets', 'insertions without brackets'],
  ['alterations', 'alteration without brackets', 'alterations without brackets'],
  ['editorialChanges', 'editorial change in brackets', 'editorial changes in brackets'],
];

/** One count of a comparison in words, as the counts line says it: "2 marked omissions". */
export function countPhrase(comparison: Pick<Comparison, 'stats'>, change: CountedChange): string {
  const [, one, many] = COUNTED.find(([key]) => key === change)!;
  return plural(comparison.stats[change] ?? 0, one, many);
}

/**
 * The comparison's counts in one line, the same on every surface, e.g.
 * "84 words quoted, 60 left out (42% of the span): 1 marked omission, 1 editorial change."
 * Only counts above zero are listed after the colon.
 */
export function countsLine(comparison: Comparison): string {
  const { stats } = comparison;
  const t = tally(comparison);
  const head = `${plural(stats.quotedWords, 'word')} quoted, ${stats.omittedWords === 0 ? 'none' : stats.omittedWords} left out${stats.omittedWords > 0 ? ` (${t.omittedPercent}% of the span)` : ''}`;
  const missing = t.fragments - t.fragmentsFound;
  const items = [
    missing > 0 ? `${plural(missing, 'fragment')} of ${t.fragments} not found` : '',
    ...COUNTED.map(([key]) => ((stats[key] ?? 0) > 0 ? countPhrase(comparison, key) : '')),
    comparison.reordered ? 'fragments reordered' : '',
  ].filter(Boolean);
  return `${head}${items.length > 0 ? `: ${items.join(', ')}` : ''}.`;
}

/** At most `max` characters of `text` (white space folded), cut at a word with "…" when shortened. */
export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** "Robert Service and a reader": names joined for a sentence. */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
