/**
 * The verdict: one judgement of a comparison, computed here once from its fragments,
 * segments, notes and cues, and shown as it is by every surface (docs/contract.md,
 * "The verdict"). `rating` is the gravest that applies, in the order of RATINGS.
 *
 * Pure: no I/O. The summary is one plain sentence that quotes the words that matter.
 */
import { clip } from './classify.js';
import type { Comparison, Cue, Rating, Verdict, VerdictReason } from './types.js';

type Judged = Omit<Comparison, 'verdict'>;

/** Cues that put a faithful or honestly cut quotation's meaning at risk. */
const MEANING_CUES = new Set<Cue['code']>(['negation', 'contrast', 'turn-after', 'framing-before']);

export function judge(comparison: Judged, source: string): Verdict {
  const { fragments, segments, stats } = comparison;
  const missing = fragments.filter((f) => !f.found).length;
  const reasonsFor = (predicate: (s: Judged['segments'][number]) => boolean, code: VerdictReason['code']): VerdictReason[] =>
    segments.flatMap((s, index) => (predicate(s) ? [{ code, segment: index }] : []));

  if (!comparison.found) {
    return verdict('not-found', 'Nothing of this quotation is in the source.', [{ code: 'fragment-not-found' }]);
  }
  if (missing > 0) {
    const reasons = reasonsFor((s) => s.kind === 'insertion' && s.fragment !== undefined && !fragments[s.fragment]!.found, 'fragment-not-found');
    const what = missing === 1 ? 'One part' : `${missing} parts`;
    return verdict('partly-found', `${what} of this quotation ${missing === 1 ? 'is' : 'are'} not in the source.`, reasons.length ? reasons : [{ code: 'fragment-not-found' }]);
  }
  if (stats.silentOmissions > 0) {
    const reasons = reasonsFor((s) => s.kind === 'omission' && !s.marked && !s.pageFurniture, 'silent-omission');
    const first = segments[reasons[0]?.segment ?? -1];
    const words = first?.sourceText ? `: “${clip(first.sourceText, 60)}”` : '';
    return verdict('silent-omission', `Words of the source are left out with no ellipsis where they were cut${words}.`, reasons);
  }
  if (stats.alterations > 0 || stats.insertions > 0) {
    const reasons = reasonsFor((s) => (s.kind === 'alteration' || s.kind === 'insertion') && !s.editorial, 'unbracketed-insertion');
    return verdict('altered', 'Words are changed or added without square brackets.', reasons);
  }
  const risky = comparison.cues
    .map((cue, index) => ({ cue, index }))
    .filter(({ cue }) => MEANING_CUES.has(cue.code) && (cue.code !== 'negation' && cue.code !== 'contrast' || isOmission(comparison, cue)));
  if (risky.length > 0) {
    const reasons = risky.map(({ cue }) => ({ code: cue.code, ...(cue.segment !== undefined ? { segment: cue.segment } : {}) }));
    return verdict('meaning-at-risk', riskSummary(comparison, source, risky.map((r) => r.cue)), reasons);
  }
  if (stats.markedOmissions > 0) {
    const n = stats.markedOmissions;
    return verdict('marked-omission', `Cut only where ${n === 1 ? 'an ellipsis shows' : 'ellipses show'} it (${n} cut${n === 1 ? '' : 's'}); nothing else changed.`, []);
  }
  return verdict('verbatim', 'Word for word as the source has it.', []);
}

function verdict(rating: Rating, summary: string, reasons: VerdictReason[]): Verdict {
  return { rating, summary, reasons };
}

/** A negation or contrast cue counts only when it concerns words the quotation left out. */
function isOmission(comparison: Judged, cue: Cue): boolean {
  return cue.segment !== undefined && comparison.segments[cue.segment]?.kind === 'omission';
}

function riskSummary(comparison: Judged, source: string, cues: Cue[]): string {
  const opening = comparison.stats.markedOmissions > 0 ? 'Cut only where ellipses show it' : 'Word for word';
  const turn = cues.find((c) => c.code === 'turn-after');
  if (turn) return `${opening}, but the source goes straight on: “${clip(sentenceFrom(source, turn), 90)}”`;
  const framing = cues.find((c) => c.code === 'framing-before');
  if (framing) return `${opening}, but the words just before frame it as someone else’s: “${clip(sentenceFrom(source, framing), 90)}”`;
  const cut = cues[0]!;
  const segment = cut.segment !== undefined ? comparison.segments[cut.segment] : undefined;
  return `${opening}, but the words left out hold a ${cut.code === 'negation' ? 'negation' : 'contrast'} (“${cut.trigger ?? ''}”): “${clip(segment?.sourceText ?? '', 90)}”`;
}

/** The words a cue points at, up to the end of their sentence (a bounded look). */
function sentenceFrom(source: string, cue: Cue): string {
  if (!cue.source) return cue.trigger ?? '';
  const rest = source.slice(cue.source.start, cue.source.start + 400);
  const end = rest.search(/[.!?…](?=\s|$)/u);
  return (end >= 0 ? rest.slice(0, end + 1) : rest).trim();
}
