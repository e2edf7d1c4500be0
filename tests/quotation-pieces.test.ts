/**
 * Quotations in pieces, as news prints them: `The committee "did … approve the budget"`.
 * Only the words inside the inner quotation marks are claimed as quoted; the words outside
 * are the writer's paraphrase (`comparison.paraphrase`), never an insertion, an alteration
 * or a cut. The quotation is read whole first, so a source that itself holds quoted speech
 * still compares as a whole.
 */
import { describe, expect, it } from 'vitest';
import { expectSourceSpanTiled } from './helpers/tiling.js';
import { compare } from '../src/core/compare.js';
import { findQuotedPairs, MAX_PIECES_QUOTE_LENGTH, MAX_QUOTED_PIECES, parseQuotation, parseQuotationInPieces } from '../src/core/quotation.js';
import { tokenize } from '../src/core/text.js';
import type { Comparison } from '../src/core/types.js';

/** The quoted pieces' texts and the paraphrase's, as the quotation has them. */
function readPieces(quote: string): { fragments: string[]; paraphrase: string[] } | null {
  const parsed = parseQuotationInPieces(quote);
  if (!parsed) return null;
  return {
    fragments: parsed.fragments.map((f) => quote.slice(f.span.start, f.span.end)),
    paraphrase: parsed.paraphrase.map((p) => quote.slice(p.start, p.end)),
  };
}

/** The contract's tiling, with the writer's words outside every segment. */
function checkTiling(c: Comparison, quote: string): void {
  const words = tokenize(quote);
  for (let w = 0; w < words.count; w++) {
    const at = words.starts[w]!;
    const holders = c.segments.filter((s) => s.quote && s.quote.start <= at && at < s.quote.end);
    const inParaphrase = (c.paraphrase ?? []).some((p) => p.start <= at && at < p.end);
    expect(holders.length, `word at ${at}`).toBe(inParaphrase ? 0 : 1);
  }
  // every segment's quotation side lies inside its fragment
  for (const s of c.segments) {
    if (!s.quote || s.fragment === undefined) continue;
    const f = c.fragments[s.fragment]!;
    expect(s.quote.start).toBeGreaterThanOrEqual(f.quote.start);
    expect(s.quote.end).toBeLessThanOrEqual(f.quote.end);
  }
  expectSourceSpanTiled(c);
}

describe('finding the quoted pieces', () => {
  it('reads the words inside inner marks as quoted and the words outside as the writer’s', () => {
    expect(readPieces('The committee "did … approve the budget"')).toEqual({ fragments: ['did', 'approve the budget'], paraphrase: ['The committee'] });
    expect(readPieces('"The plan," he said, "is dead."')).toEqual({ fragments: ['The plan,', 'is dead.'], paraphrase: ['he said'] });
    expect(readPieces('She called it “a fair settlement” and “overdue”.')).toEqual({ fragments: ['a fair settlement', 'overdue'], paraphrase: ['She called it', 'and'] });
  });

  it('reads German „…“, French and Russian «…», and Chinese and Japanese 「…」 and 『…』', () => {
    expect(readPieces('Der Minister sagte, er werde „nicht zurücktreten“.')).toEqual({ fragments: ['nicht zurücktreten'], paraphrase: ['Der Minister sagte, er werde'] });
    expect(readPieces('Le ministre a affirmé : « Je ne démissionnerai pas ».')).toEqual({ fragments: ['Je ne démissionnerai pas'], paraphrase: ['Le ministre a affirmé'] });
    expect(readPieces('Министр заявил: «Я не уйду в отставку».')).toEqual({ fragments: ['Я не уйду в отставку'], paraphrase: ['Министр заявил'] });
    expect(readPieces('漱石は「吾輩は猫である」と書き、『名前はまだ無い』と続けた。')).toEqual({ fragments: ['吾輩は猫である', '名前はまだ無い'], paraphrase: ['漱石は', 'と書き、', 'と続けた。'] });
    expect(readPieces('Er nannte es »eine Schande« und ging.')).toEqual({ fragments: ['eine Schande'], paraphrase: ['Er nannte es', 'und ging.'] });
  });

  it('never takes an apostrophe for a quotation mark', () => {
    expect(readPieces('The minister’s aide said they don’t “plan to resign”')).toEqual({ fragments: ['plan to resign'], paraphrase: ['The minister’s aide said they don’t'] });
    expect(readPieces('Stalin’s letter to Rykov is dated 1924')).toBeNull();
    expect(readPieces('the students’ books were lost')).toBeNull();
    // single curly marks count when clearly paired
    expect(readPieces('He called it ‘a disgrace’ and left')).toEqual({ fragments: ['a disgrace'], paraphrase: ['He called it', 'and left'] });
    expect(readPieces('the students’ books were ‘lost’, he said')).toEqual({ fragments: ['lost'], paraphrase: ['the students’ books were', 'he said'] });
  });

  it('reads a nested quotation inside a piece as part of the piece', () => {
    expect(readPieces('The aide said “he called it ‘a disgrace’ on Monday”')).toEqual({ fragments: ['he called it ‘a disgrace’ on Monday'], paraphrase: ['The aide said'] });
    expect(findQuotedPairs('a “b ‘c’ d” e', 0, 13)).toEqual([{ open: 2, close: 10 }]);
  });

  it('is no quotation in pieces when the marks do not balance or only wrap the whole', () => {
    expect(readPieces('He said "plan to resign')).toBeNull();
    expect(readPieces('He said plan to resign” today')).toBeNull();
    expect(readPieces('「吾輩は猫である')).toBeNull();
    expect(readPieces('“The whole quotation, with ‘nested’ marks”')).toBeNull();
    expect(readPieces('"The whole quotation."')).toBeNull();
    expect(readPieces('No marks at all')).toBeNull();
  });

  it('reads the quotation whole when an ellipsis, a bracket or a note stands outside the marks: those words are quoted too', () => {
    expect(readPieces('The plan, which was … "dead", is gone')).toBeNull();
    expect(readPieces('The [chief] aide said "it is dead"')).toBeNull();
    expect(readPieces('The aide [sic] said "it is dead"')).toBeNull();
    // a source's own quoted word inside a quotation cut with ellipses
    const quote = '"quoted" text, which was true. … is the end';
    expect(readPieces(quote)).toBeNull();
  });

  it('reads a quotation with more inner pairs than MAX_QUOTED_PIECES whole (dialogue, lists of titles), at no extra cost', () => {
    const many = (n: number) => Array.from({ length: n }, (_v, k) => `"piece ${k}"`).join(' and ');
    expect(readPieces(`He said ${many(MAX_QUOTED_PIECES)}`)!.fragments).toHaveLength(MAX_QUOTED_PIECES);
    expect(readPieces(`He said ${many(MAX_QUOTED_PIECES + 1)}`)).toBeNull();
    const long = `He said "${'word '.repeat(MAX_PIECES_QUOTE_LENGTH / 5)}"`;
    expect(long.length).toBeGreaterThan(MAX_PIECES_QUOTE_LENGTH);
    expect(readPieces(long)).toBeNull();
  });

  it('gives offsets in the quotation as given, notes and white space included', () => {
    const quote = '  The aide said the plan "is [sic] … dead" ';
    const parsed = parseQuotationInPieces(quote)!;
    expect(parsed.paraphrase.map((p) => quote.slice(p.start, p.end))).toEqual(['The aide said the plan']);
    expect(parsed.fragments.map((f) => quote.slice(f.span.start, f.span.end))).toEqual(['is', 'dead']);
    expect(parsed.marks.map((m) => quote.slice(m.start, m.end))).toEqual(['…']);
    expect(parsed.editorialNotes.map((n) => quote.slice(n.start, n.end))).toEqual(['[sic]']);
    // read whole, nothing is paraphrase
    expect(parseQuotation(quote).paraphrase).toEqual([]);
  });
});

describe('comparing a quotation in pieces', () => {
  const budget = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us. The vote was close.';

  it('claims only the quoted pieces: the words around them are the writer’s, the cut between pieces is shown', () => {
    const quote = 'The committee "did … approve the budget" and called it "a fair settlement"';
    const c = compare(quote, budget);
    expect(c.paraphrase!.map((p) => quote.slice(p.start, p.end))).toEqual(['The committee', 'and called it']);
    expect(c.fragments.map((f) => [quote.slice(f.quote.start, f.quote.end), f.found])).toEqual([['did', true], ['approve the budget', true], ['a fair settlement', true]]);
    expect(c.stats).toMatchObject({ markedOmissions: 1, silentOmissions: 0, insertions: 0, alterations: 0, paraphrasedOmissions: 1 });
    const omissions = c.segments.filter((s) => s.kind === 'omission');
    expect(omissions.map((s) => [s.sourceText, s.marked, s.paraphrased ?? false])).toEqual([
      ['after a long and heated debate that ran past midnight, ', true, false],
      ['It is ', true, true],
    ]);
    expect(c.notes.map((n) => n.code)).not.toContain('silent-omission');
    // the writer's words are in no segment
    for (const s of c.segments) expect(s.quoteText ?? '').not.toMatch(/committee|called/);
    checkTiling(c, quote);
  });

  it('reads “he said” between two pieces as the writer’s, in English, German, Russian and Japanese', () => {
    const pairs: Array<[string, string]> = [
      ['"The plan," he said on Tuesday, "is dead."', 'The plan, as I have told you all along, is dead. We start again.'],
      ['Der Minister sagte am Abend, er werde „nicht zurücktreten“.', 'Ich werde nicht zurücktreten, sagte Müller.'],
      ['Министр заявил журналистам: «Я не уйду в отставку».', 'Я не уйду в отставку, и точка.'],
      ['漱石は「吾輩は猫である」と書き、「名前はまだ無い」と続けた。', '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。'],
    ];
    for (const [quote, source] of pairs) {
      const c = compare(quote, source);
      expect(c.paraphrase!.length, quote).toBeGreaterThan(0);
      expect(c.fragments.every((f) => f.found), quote).toBe(true);
      expect(c.stats, quote).toMatchObject({ silentOmissions: 0, insertions: 0, alterations: 0 });
      expect(c.verdict.rating, quote).toBe('verbatim');
      checkTiling(c, quote);
    }
  });

  it('compares a source that itself holds the quoted speech as a whole', () => {
    const quote = 'He said "yes" to me';
    const c = compare(quote, 'It was late. Then he said "yes" to me and left.');
    expect(c.paraphrase).toEqual([]);
    expect(c.fragments).toHaveLength(1);
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.verdict.summary).toBe('Word for word as the source has it.');
  });

  it('keeps the whole reading when only the words inside a piece differ', () => {
    // the words outside the marks stand in the source: a change inside is the quotation's own
    const quote = 'The committee "did approve the whole budget"';
    const c = compare(quote, 'In the end the committee did approve the budget. Members went home.');
    expect(c.paraphrase).toEqual([]);
    expect(c.verdict.rating).toBe('altered');
  });

  it('takes the pieces reading when the words outside are not the source’s', () => {
    const quote = 'The committee "did approve the budget"';
    const source = 'After a long night we did approve the budget. Members went home.';
    const c = compare(quote, source);
    expect(c.paraphrase!.map((p) => quote.slice(p.start, p.end))).toEqual(['The committee']);
    expect(c.verdict).toMatchObject({ rating: 'verbatim', summary: 'The quoted words are word for word; the words around them are the writer’s own.' });
    expect(c.stats.insertions).toBe(0);
  });

  it('finds a cut inside a piece without an ellipsis as silent', () => {
    const quote = 'The minister said the policy "has been a success"';
    const c = compare(quote, 'I think the policy has not been a success. We will end it.');
    expect(c.paraphrase!.length).toBe(1);
    expect(c.verdict.rating).toBe('silent-omission');
    expect(c.verdict.summary).toContain('“not”');
  });

  it('lets the writer quote the pieces in another order: each is a quotation of its own, the cut between them shown', () => {
    const quote = 'The minister called it "a fair settlement" after members "met until late"';
    const c = compare(quote, budget);
    expect(c.reordered).toBe(false);
    expect(c.notes.map((n) => n.code)).toEqual([]);
    expect(c.segments.filter((s) => s.kind === 'omission').map((s) => [s.marked, s.paraphrased])).toEqual([[true, true]]);
    expect(c.verdict).toMatchObject({ rating: 'verbatim', summary: 'Each of the 2 quoted pieces is word for word; the words around them are the writer’s own.' });
    checkTiling(c, quote);
    // words of one piece in another order are still the quotation's own change
    const inside = compare('The minister said members "until late met"', budget);
    expect(inside.verdict.rating).not.toBe('verbatim');
  });

  it('names a quoted piece that is not in the source', () => {
    const quote = 'The minister called it "a fair settlement for all of us" and "a triumph of modern diplomacy"';
    const c = compare(quote, budget);
    expect(c.verdict.rating).toBe('partly-found');
    expect(c.verdict.summary).toBe('“a triumph of modern diplomacy” is not in the source; the rest is.');
  });
});

describe('the verdict on a quotation in pieces', () => {
  const budget = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us. The vote was close.';

  it('calls pieces each word for word, with only the writer’s words between them, verbatim', () => {
    const c = compare('The chair said members "met until late" and called the result "a fair settlement for all of us"', budget);
    expect(c.verdict).toEqual({ rating: 'verbatim', summary: 'Each of the 2 quoted pieces is word for word; the words around them are the writer’s own.', reasons: [] });
    expect(c.stats).toMatchObject({ markedOmissions: 0, silentOmissions: 0, paraphrasedOmissions: 1 });
  });

  it('calls an ellipsis inside a piece a marked omission', () => {
    const c = compare('The committee "did … approve the budget" and called it "a fair settlement"', budget);
    expect(c.verdict).toEqual({
      rating: 'marked-omission',
      summary: 'Cut only where an ellipsis shows it (1 cut); the quoted words are the source’s own and the words around them are the writer’s own.',
      reasons: [],
    });
  });

  it('still puts meaning at risk when the words left out between pieces hold a negation', () => {
    const c = compare('She said "the reform is working" and called it "a success"', 'The reform is working. It is not a failure, and it is a success for everyone.');
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toBe('Each of the 2 quoted pieces is word for word, but the words cut hold a negation (“not”): “It is not a failure, and it is”.');
    const cut = c.segments[c.verdict.reasons[0]!.segment!]!;
    expect(cut).toMatchObject({ kind: 'omission', marked: true, paraphrased: true });
    expect(c.cues.find((q) => q.code === 'negation')!.message).toContain('left out between the quoted pieces');
  });

  it('rates a change inside a piece as usual', () => {
    const c = compare('The chair called the result "a fair deal for all of us"', budget);
    expect(c.paraphrase!.length).toBe(1);
    expect(c.verdict.rating).toBe('altered');
    expect(c.verdict.summary).toBe('“deal” stands where the source has “settlement”, without square brackets.');
  });
});

describe('a continuous quotation with speech in it', () => {
  // Moby-Dick, ch. 133: narration around Ahab's cry, all the source's own words
  const source = 'Some words before. At last, gaining the masthead, Ahab exclaimed, “There she blows!—there she blows! A hump like a snow-hill! It is Moby Dick!” Fired by the cry which seemed simultaneously taken up by the three look-outs, the men on deck rushed to the rigging to behold the famous whale they had so long been pursuing. Some words after.';

  it('keeps a silent cut silent: the words around the speech match the source, so they are quoted, not the writer’s', () => {
    const quote = 'At last, gaining the masthead, Ahab exclaimed, “There she blows!—there she blows!” Fired by the cry which seemed simultaneously taken up by the three look-outs, the men on deck rushed to the rigging';
    const c = compare(quote, source);
    expect(c.paraphrase).toEqual([]);
    expect(c.verdict.rating).toBe('silent-omission');
    expect(c.stats.silentOmissions).toBe(1);
  });

  it('still reads the writer’s words apart when they are not the source’s', () => {
    const quote = 'The captain then shouted “There she blows!” and, moments later, “It is Moby Dick!”';
    const c = compare(quote, source);
    expect(c.paraphrase!.length).toBeGreaterThan(0);
    expect(c.stats).toMatchObject({ silentOmissions: 0, insertions: 0, alterations: 0 });
    // the quoted words are Ahab's speech in the source: faithful, with that said
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toMatch(/^The 2 quoted pieces are word for word|^Each of the 2 quoted pieces is word for word/);
  });
});
