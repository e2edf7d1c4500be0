import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { RATINGS } from '../src/core/types.js';
import { compact, noteCodes } from './helpers/compact.js';

const caseText = (slug: string, file: string) =>
  readFileSync(new URL(`../data/cases/${slug}/${file}`, import.meta.url), 'utf8').replace(/\r?\n$/, '');

const DECLARATION = 'We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness.';

describe('the verdict on the built-in cases', () => {
  const service = caseText('service-stalin-resignation', 'source.txt');

  it('calls the blog’s word-for-word quotation of Service meaning-at-risk, quoting the sentence that turns', () => {
    const c = compare(caseText('service-stalin-resignation', 'quotation-1.txt'), service);
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toContain('Of course he wanted to be persuaded');
    const reason = c.verdict.reasons.find((r) => r.code === 'turn-after')!;
    expect(reason).toBeDefined();
    expect(c.segments[reason.segment!]!.kind).toBe('context-after');
  });

  it('calls the commenter’s honestly cut quotation a marked omission or meaning at risk, never worse', () => {
    const c = compare(caseText('service-stalin-resignation', 'quotation-2.txt'), service);
    expect(['marked-omission', 'meaning-at-risk']).toContain(c.verdict.rating);
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0, markedOmissions: 1 });
  });

  it('calls the 1927 speech reblog verbatim', () => {
    const c = compare(caseText('stalin-1927-speech-reblog', 'quotation-1.txt'), caseText('stalin-1927-speech-reblog', 'source.txt'));
    expect(c.verdict).toMatchObject({ rating: 'verbatim', reasons: [] });
  });

  it('calls “Money is the root of all evil” meaning-at-risk: it starts inside the phrase “the love of money”', () => {
    const c = compare(caseText('love-of-money', 'quotation-1.txt'), caseText('love-of-money', 'source.txt'));
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toContain('For the love of money');
  });

  it('calls “Judge not.” meaning-at-risk: the rest of its sentence holds a negation', () => {
    const c = compare(caseText('judge-not', 'quotation-1.txt'), caseText('judge-not', 'source.txt'));
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toContain('that ye be not judged');
  });

  it('gives every case a rating on the scale and a one-sentence summary', () => {
    for (const slug of ['alexandrov-general-secretary', 'darwin-eye', 'darwin-transitional-forms', 'hamlet-yorick', 'judge-not', 'love-of-money', 'the-poor-always']) {
      const c = compare(caseText(slug, 'quotation-1.txt'), caseText(slug, 'source.txt'));
      expect(RATINGS).toContain(c.verdict.rating);
      expect(c.verdict.summary).toMatch(/^[A-Z“].*[.”]$/su);
      for (const reason of c.verdict.reasons) if (reason.segment !== undefined) expect(c.segments[reason.segment]).toBeDefined();
    }
  });
});

describe('editorial practice', () => {
  it('reads the Declaration with a bracketed capital and a bracketed word as a marked omission only', () => {
    const quote = '[A]ll [people] are created equal, . . . endowed by their Creator with certain unalienable Rights';
    const c = compare(quote, DECLARATION);
    expect(c.verdict.rating).toBe('marked-omission');
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0, markedOmissions: 1, editorialChanges: 1 });
    expect(compact(c, quote, DECLARATION)).toBe('~[[A]ll→all]{ed} · ~[[people]→men]{ed} · =are created equal, · …[that they are] · =endowed by their Creator with certain unalienable Rights');
    expect(c.segments.find((s) => s.quoteText?.startsWith('[A]ll'))).toMatchObject({ kind: 'alteration', editorial: true, caseOnly: true });
  });

  it('reads “[T]he quick brown fox … jumps over [their] dog” as a marked omission only', () => {
    const source = 'The quick brown fox, they say, jumps over his dog.';
    const c = compare('[T]he quick brown fox … jumps over [their] dog', source);
    expect(c.verdict.rating).toBe('marked-omission');
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0, editorialChanges: 1 });
    expect(c.segments.filter((s) => s.kind === 'alteration' && s.editorial).map((s) => s.sourceText?.trim())).toEqual(['The', 'his']);
  });

  it('reads a bracketed ending on a word as one editorial alteration', () => {
    const c = compare('Stalin[’s] resignation was refused', 'Stalin resignation was refused');
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0, editorialChanges: 1 });
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.verdict.summary).toContain('1 change in square brackets');
  });

  it.each([
    ['[sic]', 'Yet the strain of constant polemics took took [sic] its toll on him.'],
    ['[sic!]', 'Yet the strain of constant polemics took took [sic!] its toll on him.'],
    ['[emphasis added]', '“Yet the strain of constant polemics took took its toll on him” [emphasis added].'],
    ['(emphasis mine)', 'Yet the strain of constant polemics took took its toll on him (emphasis mine).'],
    ['[italics in original]', 'Yet the strain of constant polemics [italics in original] took took its toll on him.'],
    ['[emphasis in original]', 'Yet the strain of constant polemics took took its toll on him [emphasis in original]'],
  ])('reads %s as a note about the quotation, neither inserted text nor a change', (note, quote) => {
    const source = 'Yet the strain of constant polemics took took its toll on him. Free in his accusations.';
    const c = compare(quote, source);
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.stats).toMatchObject({ insertions: 0, alterations: 0, editorialChanges: 0, silentOmissions: 0 });
    expect(c.editorialNotes!.map((s) => quote.slice(s.start, s.end))).toEqual([note]);
  });

  it.each([
    ['Russian ё written as е', 'Он ещё не знал, что всё кончено.', 'Он еще не знал, что все кончено.'],
    ['long s', 'the ſtrength of his purpoſe was great', 'the strength of his purpose was great'],
    ['a presentation ligature', 'the ﬁrst ﬂight of the ofﬁcers', 'the first flight of the officers'],
    ['a note number glued after punctuation', 'He rejected the proposal.12 Members of the board agreed.', 'He rejected the proposal. Members of the board agreed.'],
    ['a superscript note number', 'He rejected the proposal¹² and the board agreed.', 'He rejected the proposal and the board agreed.'],
    ['a bracketed note number', 'He rejected the proposal.[12] Members of the board agreed.', 'He rejected the proposal. Members of the board agreed.'],
  ])('takes %s as no change', (_name, source, quote) => {
    const c = compare(quote, source);
    expect(c.verdict.rating).toBe('verbatim');
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0 });
  });

  it('keeps æ a letter of its own, not "ae"', () => {
    const c = compare('the encyclopaedia of Ælfric', 'the encyclopædia of Ælfric');
    expect(c.verdict.rating).toBe('altered');
  });

  it('gives the four-dot note for English only, never for Chinese', () => {
    const english = compare('He was tired. . . . They left at dawn', 'He was tired. The war had gone on too long. They left at dawn.');
    expect(noteCodes(english)).not.toContain('three-dot-sentence-cut');
    const threeDots = compare('He was tired … they left at dawn', 'He was tired. The war had gone on too long. They left at dawn.');
    expect(noteCodes(threeDots)).toContain('three-dot-sentence-cut');
    for (const mark of ['……', '⋯⋯', '…']) {
      const c = compare(`学而时习之${mark}人不知而不愠`, '子曰：学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？');
      expect(c.ellipses).toHaveLength(1);
      expect(noteCodes(c)).not.toContain('three-dot-sentence-cut');
      expect(c.stats.markedOmissions).toBe(1);
    }
  });

  it('tells each note once', () => {
    const c = compare('He was tired … they left at dawn … and came back', 'He was tired. The war had gone on too long. They left at dawn. Later they came back.');
    const keys = c.notes.map((n) => `${n.code}|${n.message}|${n.quote?.start}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('meaning at risk, and never a false accusation', () => {
  it('flags a cut negation in a kept sentence', () => {
    const c = compare('The committee did … approve the budget', 'The committee did not, after a long debate, approve the budget.');
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.summary).toContain('negation (“not”)');
  });

  it('does not flag a “but” far away inside a long cut of whole sentences', () => {
    const source = 'The harvest was good this year. The farmers were pleased with it. ' +
      'Some said the rain came late, but the wheat grew tall all the same, and the barns were full before the first frost of the autumn came down. ' +
      'The market opened on Monday and prices held.';
    const c = compare('The harvest was good this year. … The market opened on Monday and prices held.', source);
    expect(c.verdict.rating).toBe('marked-omission');
  });

  it('flags the next sentence turning, and the words before framing it as someone else’s', () => {
    const turn = compare('The plan was a success.', 'The plan was a success. But it cost three times the estimate.');
    expect(turn.verdict.rating).toBe('meaning-at-risk');
    expect(turn.verdict.summary).toContain('But it cost three times the estimate');
    const framed = compare('the plan was a success', 'Its critics claim that the plan was a success only on paper. Nobody agreed.');
    expect(framed.verdict.rating).toBe('meaning-at-risk');
  });

  it('does not call a sentence after a paragraph break a turn, nor the author’s own “I said” someone else’s speech', () => {
    expect(compare('The plan was a success.', 'The plan was a success.\n\nBut that is another story.').verdict.rating).toBe('verbatim');
    expect(compare('the plan was a success', 'As I said before, the plan was a success. We went on.').verdict.rating).toBe('verbatim');
  });
});

describe('not found is one clear answer', () => {
  it('says once that nothing is in the source, and shows the nearest passage with a figure', () => {
    const source = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.';
    const c = compare('Completely unrelated words appear here about the age of the moon', source);
    expect(c.verdict.rating).toBe('not-found');
    expect(c.notes.filter((n) => n.code === 'fragment-not-found')).toHaveLength(1);
    expect(c.notes.filter((n) => n.code === 'unbracketed-insertion')).toEqual([]);
    expect(c.stats.insertions).toBe(0);
    expect(c.nearest).toMatchObject({ quoteWords: 11 });
    expect(c.verdict.summary).toMatch(/^Nothing in the source comes close; the nearest passage shares \d+ of 11 words/);
  });
});
