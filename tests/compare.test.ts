import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { compact, noteCodes } from './helpers/compact.js';

// The founding document, the blog post "Stalin's Four Attempts at Resignation" and its comments (a copy in the repository, so the test runs in any clone).
const seed = readFileSync(new URL('./fixtures/stalin-four-attempts-at-resignation.txt', import.meta.url), 'utf8');

/** The passage of the seed between two markers, inclusive of the start, exclusive of the end. */
function between(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start + from.length);
  if (start < 0 || end < 0) throw new Error(`markers not found: ${from} / ${to}`);
  return text.slice(start, end);
}

function run(quote: string, source: string) {
  const c = compare(quote, source);
  return { c, form: compact(c, quote, source), notes: noteCodes(c) };
}

describe('compare on the founding document', () => {
  // The blog's Service quotation, and the commenter's fuller text with the blog's
  // sentences standing where its ". . ." is.
  const blogQuote = between(seed, 'On 27 December 1926', '\n\nAll three');
  const comment = between(seed, 'Yet the strain', '”\n    Likewise');
  const [before, after] = comment.split('. . . ');
  const serviceSource = `${before}. ${blogQuote} ${after}`;

  it('finds the blog quotation whole and faithful, with the framing sentences as context', () => {
    const { c, form } = run(blogQuote, serviceSource);
    expect(c.found).toBe(true);
    expect(form).toBe(`=${blogQuote.replace(/\s+/g, ' ')}`);
    expect(c.stats).toMatchObject({ omittedWords: 0, silentOmissions: 0, markedOmissions: 0, insertions: 0, alterations: 0 });
    expect(c.fragments[0]!.confidence).toBe('exact');
    const contextBefore = c.segments.find((s) => s.kind === 'context-before')!;
    const contextAfter = c.segments.find((s) => s.kind === 'context-after')!;
    expect(serviceSource.slice(contextBefore.source!.start, contextBefore.source!.end)).toContain('He was an extremely sensitive bully.');
    expect(serviceSource.slice(contextAfter.source!.start, contextAfter.source!.end)).toContain('Of course he wanted to be persuaded');
  });

  it('reads the commenter’s own ". . ." as a marked cut of exactly the blog’s sentences', () => {
    const { c } = run(comment, serviceSource);
    const omissions = c.segments.filter((s) => s.kind === 'omission');
    expect(omissions).toHaveLength(1);
    expect(omissions[0]!.marked).toBe(true);
    expect(serviceSource.slice(omissions[0]!.source!.start, omissions[0]!.source!.end).trim()).toBe(blogQuote.trim());
    expect(c.stats.silentOmissions).toBe(0);
    // three dots across a sentence end, where the convention wants four
    expect(noteCodes(c)).toContain('three-dot-sentence-cut');
  });

  it('finds the reblog’s copy of the 1927 speech faithful to the blog’s', () => {
    const speech = between(seed, 'It is said that in that', '\n\nThe next two attempts'); // the blog's copy has a no-break space before “will”
    const reblog = between(seed, 'Stalin: It is said', '\n\n    Like').replace(/^Stalin: /, '');
    const { c, notes } = run(reblog, speech);
    expect(c.found).toBe(true);
    expect(c.stats).toMatchObject({ omittedWords: 0, silentOmissions: 0, markedOmissions: 0, insertions: 0, alterations: 0 });
    expect(c.fragments.every((f) => f.found)).toBe(true);
    expect(notes.filter((n) => n !== 'ambiguous-placement')).toEqual([]);
  });

  it('reads "…  [as the]" as a cut of nothing and an editorial insertion', () => {
    const quote = between(seed, 'On Lenin’s motion', '\n\nAlexandrov');
    const source = 'On Lenin’s motion, the Plenum of the Central Committee, on April 3, 1922, elected Stalin General Secretary of the Central Committee, a post at which he has remained ever since.';
    const { c, form, notes } = run(quote, source);
    expect(form).toBe('=On Lenin’s motion, the Plenum of the Central Committee, on April 3, 1922, elected Stalin · +{[as the]} · =General Secretary of the Central Committee, a post at which he has remained ever since.');
    expect(notes).toContain('spurious-ellipsis');
    // bracketed words are the quoter's visible edit, counted apart from unbracketed insertions
    expect(c.stats).toMatchObject({ insertions: 0, editorialChanges: 1 });
  });
});

describe('compare: kinds of difference', () => {
  const source = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. It was the epoch of belief, it was the epoch of incredulity.';
  it.each([
    ['a verbatim sentence', 'it was the age of wisdom', '=it was the age of wisdom', []],
    ['a marked cut', 'It was the best of times … it was the age of foolishness', '=It was the best of times · …[it was the worst of times, it was the age of wisdom,] · =it was the age of foolishness', []],
    ['a silent cut', 'It was the best of times, it was the age of foolishness', '=It was the best of times, · -[it was the worst of times, it was the age of wisdom,] · =it was the age of foolishness', ['silent-omission']],
    ['an altered word', 'it was the age of stupidity. It was the epoch', '=it was the age of · ~[stupidity.→foolishness.] · =It was the epoch', ['unbracketed-alteration']],
    ['a capital changed without brackets mid-quotation', 'it was the age of foolishness, it was the epoch', '=it was the age of foolishness, it was the epoch', ['unbracketed-case-change']],
    ['an unbracketed insertion', 'it was the very best of times', '=it was the · +[very] · =best of times', ['unbracketed-insertion']],
    ['an editorial insertion', 'it was the [absolute] best of times', '=it was the · +{[absolute]} · =best of times', []],
    ['a bracketed case change', '[i]t was the epoch of belief', '~[[i]t→It]{ed} · =was the epoch of belief', []],
    ['an unbracketed case change inside', 'it was the Age of wisdom', '=it was the Age of wisdom', ['unbracketed-case-change']],
  ])('%s', (_name, quote, expected, expectedNotes) => {
    const { form, notes } = run(quote, source);
    expect(form).toBe(expected);
    for (const code of expectedNotes) expect(notes).toContain(code);
    if (expectedNotes.length === 0) expect(notes.filter((n) => n !== 'ambiguous-placement')).toEqual([]);
  });

  it('shows bracketed words put in place of source words as one editorial alteration, and a dropped negation as meaning at risk', () => {
    const text = 'The committee said the plan was not good.';
    const quote = 'The committee said the plan was [very] good.';
    const c = compare(quote, text);
    expect(compact(c, quote, text)).toBe('=The committee said the plan was · ~[[very]→not]{ed} · =good.');
    expect(c.stats).toMatchObject({ silentOmissions: 0, alterations: 0, insertions: 0, editorialChanges: 1 });
    // brackets show the change, but "[very]" for "not" must never pass as faithful
    expect(c.verdict.rating).toBe('meaning-at-risk');
    expect(c.verdict.reasons).toContainEqual({ code: 'negation', segment: c.segments.findIndex((s) => s.kind === 'alteration') });
  });

  it('finds a short fragment that opens with bracketed words', () => {
    const text = 'elected Stalin General Secretary of the party';
    const quote = 'elected Stalin … [as the] General Secretary';
    expect(compact(compare(quote, text), quote, text)).toBe('=elected Stalin · +{[as the]} · =General Secretary');
  });

  it('reports a fragment that is not in the source as not found, never forced onto a lookalike', () => {
    const quote = 'It was the best of times … the zebra danced with the moon tonight';
    const { c } = run(quote, source);
    expect(c.found).toBe(true);
    expect(c.fragments.map((f) => f.found)).toEqual([true, false]);
    expect(c.fragments[1]!.source).toBeNull();
    expect(noteCodes(c)).toContain('fragment-not-found');
  });

  it('says not found when nothing matches', () => {
    const c = compare('Completely unrelated words appear here', source);
    expect(c.found).toBe(false);
    expect(c.span).toBeNull();
    expect(c.segments.every((s) => s.kind === 'insertion')).toBe(true);
  });

  it('flags a splice whose fragments stand in another order', () => {
    const quote = 'it was the epoch of incredulity … It was the best of times';
    const { c } = run(quote, source);
    expect(c.reordered).toBe(true);
    expect(c.fragments.every((f) => f.found)).toBe(true);
    expect(noteCodes(c)).toContain('reordered');
  });

  it('lists the other places where a repeated fragment could stand', () => {
    const repeated = 'The bell rang twice. Nobody came to the door. Later that night the bell rang twice. Nobody came.';
    const c = compare('the bell rang twice', repeated);
    expect(c.fragments[0]!.alternatives?.length).toBe(1);
    expect(noteCodes(c)).toContain('ambiguous-placement');
  });

  it('takes the occurrence of a repeated fragment that fits its neighbours', () => {
    const text = 'Alpha beta gamma delta. The cat sat down. Epsilon zeta eta theta. The cat sat down. Iota kappa lambda.';
    const quote = 'Epsilon zeta eta theta … The cat sat down';
    const c = compare(quote, text);
    expect(c.fragments[1]!.source!.start).toBe(text.lastIndexOf('The cat sat down'));
  });
});

describe('compare: typography is not a difference', () => {
  it.each([
    ['curly and straight quotes', 'He said "no" and didn\'t care', 'He said “no” and didn’t care.'],
    ['dashes and white space', 'war — and   peace', 'war -- and\npeace'],
    ['a hyphen at a line break', 'the Central Committee', 'the Cen-\ntral Committee'],
    ['a hyphen at a Windows line break', 'the Central Committee', 'the Cen-\r\n  tral Committee'],
    ['case', 'THE CENTRAL COMMITTEE', 'the Central Committee'],
    ['soft hyphens and zero-width spaces', 'the Central Committee', 'the Cen\u00adtral Com\u200bmittee'],
    ['NFC and NFD', 'Café Müller', 'Cafe\u0301 Mu\u0308ller'],
    ['NFKC ligatures', 'the final office', 'the \ufb01nal o\ufb03ce'],
    ['OCR runs of spaces and a form feed', 'the quick brown fox jumps', 'the  quick\fbrown   fox\n\njumps'],
    ['an OCR word split across a line without a hyphen', 'elected the Central Committee today', 'elected the Cen\ntral Committee today'],
    ['a compound joined by the quoter', 'it is today that we act', 'it is to day that we act'],
  ])('%s', (_name, quote, source) => {
    const c = compare(quote, source);
    expect(c.fragments[0]!.found).toBe(true);
    expect(c.stats).toMatchObject({ omittedWords: 0, insertions: 0, alterations: 0 });
    expect(c.fragments[0]!.confidence).not.toBe('fuzzy');
  });
});

describe('compare: every script', () => {
  it('Russian', () => {
    const source = 'Сталин был избран генеральным секретарём в апреле 1922 года. Он четыре раза просил об отставке. Все просьбы были отклонены.';
    const quote = 'Сталин был избран генеральным секретарём … Все просьбы были отклонены';
    const { c, form } = run(quote, source);
    expect(form).toBe('=Сталин был избран генеральным секретарём · …[в апреле 1922 года. Он четыре раза просил об отставке.] · =Все просьбы были отклонены');
    expect(c.stats.markedOmissions).toBe(1);
  });

  it('German compounds and Greek', () => {
    const source = 'Die Donaudampfschifffahrtsgesellschaft wurde 1829 gegründet. Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν.';
    expect(compact(compare('Die Donaudampfschifffahrtsgesellschaft wurde gegründet', source), 'Die Donaudampfschifffahrtsgesellschaft wurde gegründet', source))
      .toBe('=Die Donaudampfschifffahrtsgesellschaft wurde · -[1829] · =gegründet');
    const greek = 'ἐν ἀρχῇ ἦν ὁ λόγος … πρὸς τὸν θεόν';
    expect(compare(greek, source).stats).toMatchObject({ markedOmissions: 1, silentOmissions: 0 });
  });

  it('Chinese with the doubled ellipsis', () => {
    const source = '学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？';
    const quote = '学而时习之……人不知而不愠';
    const c = compare(quote, source);
    expect(c.fragments.map((f) => f.found)).toEqual([true, true]);
    expect(c.stats.markedOmissions).toBe(1);
    const omission = c.segments.find((s) => s.kind === 'omission')!;
    expect(source.slice(omission.source!.start, omission.source!.end)).toBe('不亦说乎？有朋自远方来，不亦乐乎？');
  });
});

describe('compare: context', () => {
  const source = 'One. Two is here. Three is here. Four is the quote. Five is here. Six is here. Seven.';
  it('gives two whole sentences each side by default', () => {
    const c = compare('Four is the quote', source);
    const before = c.segments[0]!;
    const after = c.segments[c.segments.length - 1]!;
    expect(source.slice(before.source!.start, before.source!.end)).toBe('Two is here. Three is here. ');
    expect(source.slice(after.source!.start, after.source!.end)).toBe('. Five is here. Six is here.');
  });
  it('takes a number of sentences or of words', () => {
    const c = compare('Four is the quote', source, { contextSentences: 0 });
    expect(c.segments.filter((s) => s.kind.startsWith('context'))).toHaveLength(1); // the full stop after
    const w = compare('Four is the quote', source, { contextWords: 2 });
    const before = w.segments[0]!;
    expect(source.slice(before.source!.start, before.source!.end)).toBe('is here. ');
  });
  it('stops at a paragraph break once it has some context', () => {
    const text = 'Far away sentence.\n\nFirst here. The quote stands here. After it.';
    const c = compare('The quote stands here', text);
    expect(text.slice(c.segments[0]!.source!.start, c.segments[0]!.source!.end)).toBe('First here. ');
  });
});

describe('compare: OCR page furniture', () => {
  it('does not count a running head and page number inside the quoted passage as a silent omission', () => {
    const source = 'The committee met in April and elected\nits secretary without a vote.\n\f\nTHE HISTORY OF THE PARTY 213\n\nNobody objected at the time.';
    const quote = 'elected its secretary without a vote. Nobody objected at the time.';
    const c = compare(quote, source);
    const omission = c.segments.find((s) => s.kind === 'omission')!;
    expect(omission.pageFurniture).toBe(true);
    expect(c.stats.silentOmissions).toBe(0);
    expect(noteCodes(c)).not.toContain('silent-omission');
  });
  it('still counts a real sentence on its own line as a silent omission', () => {
    const source = 'The committee met.\nIt elected its secretary.\nSome members objected.\nThe vote was held.';
    const c = compare('It elected its secretary. The vote was held.', source);
    expect(c.stats.silentOmissions).toBe(1);
  });
});
