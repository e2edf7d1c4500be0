/**
 * Every cue, with passages that must raise it and passages that must not. Comparisons are
 * built by hand from a marked-up source, so these tests do not depend on the engine:
 *   ⟦ … ⟧  the span the quotation reaches
 *   ⟨ … ⟩  an omission marked by an ellipsis in the quotation
 *   ⟪ … ⟫  an omission left out silently
 */
import { describe, expect, it } from 'vitest';
import { findCues, sentenceEndAfter, sentenceStartBefore } from '../src/core/cues.js';
import type { Cue, CueCode, Segment } from '../src/core/types.js';

interface Scene {
  quote: string;
  source: string;
  segments: Segment[];
  span: { start: number; end: number } | null;
}

type Mode = 'outside' | 'match' | 'marked' | 'silent';
const MARKUP: Record<string, Mode> = { '⟦': 'match', '⟧': 'outside', '⟨': 'marked', '⟩': 'match', '⟪': 'silent', '⟫': 'match' };

function scene(template: string): Scene {
  let source = '';
  let quote = '';
  const segments: Segment[] = [];
  let spanStart = -1;
  let spanEnd = -1;
  let pieceStart = 0;
  let mode: Mode = 'outside';
  const close = (): void => {
    const end = source.length;
    if (end === pieceStart) return;
    if (mode === 'match') {
      const quoteStart = quote.length;
      quote += source.slice(pieceStart, end);
      segments.push({ kind: 'match', quote: { start: quoteStart, end: quote.length }, source: { start: pieceStart, end } });
    } else if (mode === 'marked' || mode === 'silent') {
      segments.push({ kind: 'omission', source: { start: pieceStart, end }, marked: mode === 'marked' });
      if (mode === 'marked') quote += ' … ';
    } else {
      segments.push({ kind: spanStart < 0 ? 'context-before' : 'context-after', source: { start: pieceStart, end } });
    }
    pieceStart = end;
  };
  for (const ch of template) {
    const next: Mode | undefined = MARKUP[ch];
    if (next === undefined) {
      source += ch;
      continue;
    }
    close();
    if (ch === '⟦') spanStart = source.length;
    if (ch === '⟧') spanEnd = source.length;
    mode = next;
  }
  close();
  return { quote, source, segments, span: spanStart >= 0 ? { start: spanStart, end: spanEnd } : null };
}

function cuesOf(template: string): Cue[] {
  return findCues(scene(template));
}

function codes(template: string): CueCode[] {
  return cuesOf(template).map((c) => c.code);
}

describe('negation in an omission', () => {
  it.each([
    ['English "not"', 'The plan ⟦will ⟨not ⟩work⟧.'],
    ['English "never"', '⟦He ⟪never ⟫said it was safe⟧.'],
    ["English contraction n't", '⟦They ⟨didn’t ⟩agree with the report⟧.'],
    ['German "nicht"', '⟦Der Plan wird ⟨nicht ⟩funktionieren⟧.'],
    ['German "kein"', '⟦Es gibt ⟨keinen ⟩Grund zur Sorge⟧.'],
    ['Russian "не"', '⟦Он ⟨не ⟩был виноват⟧.'],
    ['Russian "никогда"', '⟦Мы ⟪никогда ⟫не сдадимся⟧.'],
  ])('raises it: %s', (_name, template) => {
    const cue = cuesOf(template).find((c) => c.code === 'negation');
    expect(cue).toBeDefined();
    expect(cue?.segment).toBeTypeOf('number');
    expect(cue?.message).toMatch(/^Worth a look/);
  });

  it.each([
    ['no negation in the cut', '⟦The plan will ⟨certainly ⟩work⟧.'],
    ['"not" only in the kept words', '⟦It is not ⟨entirely ⟩true⟧.'],
    ['"note" and "nothingness" are other words', '⟦Take ⟨note of the nothingness and ⟩go⟧.'],
    ['Russian "не" inside a word', '⟦Он ⟨небрежно ⟩ушёл⟧.'],
    ['German "nie" inside a word', '⟦Das ⟨Knie ⟩tut weh⟧.'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('negation');
  });

  it('names the trigger as it stands in the text and points at the omission', () => {
    const s = scene('⟦The plan will ⟨NOT ⟩work⟧.');
    const cue = findCues(s).find((c) => c.code === 'negation') as Cue;
    expect(cue.trigger).toBe('NOT');
    expect(s.segments[cue.segment as number]?.kind).toBe('omission');
    expect(s.source.slice(cue.source?.start, cue.source?.end)).toBe('NOT ');
  });
});

describe('contrast or concession in an omission', () => {
  it.each([
    ['"but"', '⟦It is cheap⟨, but it breaks⟩ and it is fast⟧.'],
    ['"although"', '⟦We won⟨, although we lost many men,⟩ and we are proud⟧.'],
    ['"unless"', '⟦The bridge will hold ⟨unless the river rises ⟩for years⟧.'],
    ['"only"', '⟦He was ⟨only ⟩a clerk⟧.'],
    ['"except"', '⟦Everyone agreed ⟨except the chairman ⟩in the end⟧.'],
    ['German "aber"', '⟦Es ist billig⟨, aber es bricht⟩ und schnell⟧.'],
    ['German "obwohl"', '⟦Wir haben gewonnen⟨, obwohl wir verloren haben,⟩ und sind stolz⟧.'],
    ['Russian "но"', '⟦Это дёшево⟨, но ломается⟩ и быстро⟧.'],
    ['Russian "однако"', '⟦Он пришёл⟪, однако поздно⟫ и ушёл⟧.'],
  ])('raises it: %s', (_name, template) => {
    expect(codes(template)).toContain('contrast');
  });

  it.each([
    ['no contrast word', '⟦It is cheap ⟨and light ⟩and fast⟧.'],
    ['"butter" and "only" only in the kept words', '⟦Only the ⟨butter ⟩melted⟧.'],
    ['Russian "но" inside a word', '⟦Это ⟨новое ⟩здание⟧.'],
    ['"yet" inside "yeti"', '⟦A ⟨yeti ⟩was seen⟧.'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('contrast');
  });
});

describe('a cut in the middle of a sentence', () => {
  it('raises it for an omission inside one sentence', () => {
    const cue = cuesOf('⟦The eye ⟨with all its contrivances ⟩could be formed⟧.').find((c) => c.code === 'mid-sentence-cut');
    expect(cue?.message).toContain('middle of a sentence');
  });

  it('raises it for an omission that joins two half sentences', () => {
    const cue = cuesOf('⟦It seems ⟨absurd. Yet reason tells me it⟩ is real⟧.').find((c) => c.code === 'mid-sentence-cut');
    expect(cue?.message).toContain('joins the start of one sentence to the end of another');
  });

  it('raises it when the quotation starts in the middle of a sentence', () => {
    const s = scene('For the love of ⟦money is the root of all evil⟧: which while some coveted after.');
    const cue = findCues(s).find((c) => c.code === 'mid-sentence-cut' && c.message.includes('starts'));
    expect(cue).toBeDefined();
    expect(s.segments[cue?.segment as number]?.kind).toBe('context-before');
    expect(cue?.trigger).toBe('For the love of');
  });

  it('raises it when the quotation stops in the middle of a sentence', () => {
    const cue = cuesOf('⟦The plan will work⟧ only if it rains.').find((c) => c.code === 'mid-sentence-cut');
    expect(cue?.message).toContain('stops in the middle of a sentence');
    expect(cue?.trigger).toBe('only if it rains.');
  });

  it.each([
    ['whole sentences omitted', '⟦The plan failed. ⟨It rained for days. Nobody came. ⟩We went home.⟧'],
    ['the quotation is whole sentences', 'Before it. ⟦The plan failed.⟧ After it.'],
    ['the quotation stops just before the full stop', 'Before it. ⟦The plan failed⟧. After it.'],
    ['a paragraph break ends a sentence', 'A heading\n\n⟦The plan failed.⟧'],
    ['a verse number is not a word', '6:10 ⟦For the love of money.⟧'],
    ['a run-in heading ends with a full stop and a dash', '_Organs of perfection_.—⟦To suppose that the eye is absurd.⟧'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('mid-sentence-cut');
  });

  it('does not take an initial for a sentence end', () => {
    expect(codes('Written by G. F. ⟦Alexandrov in 1947⟧.')).toContain('mid-sentence-cut');
    expect(codes('Written by G. F. Alexandrov. ⟦The book is short.⟧')).not.toContain('mid-sentence-cut');
  });

  it('finds sentences across abbreviations and quotation marks', () => {
    const text = 'He said “Stop.” Mr. Smith left. Then';
    expect(sentenceStartBefore(text, text.indexOf('Smith')).start).toBe(text.indexOf('Mr.'));
    expect(sentenceEndAfter(text, 0).end).toBe(text.indexOf('”') + 1);
  });
});

describe('the sentence after the quotation turns against it', () => {
  it.each([
    ['"Yet" opens the next sentence', '⟦It seems absurd in the highest degree.⟧ Yet reason tells me otherwise.'],
    ['"Of course" opens the next sentence', '⟦He asked to resign.⟧ Of course he wanted to be persuaded.'],
    ['"but" opens the rest of the sentence', '⟦It is cheap⟧, but it breaks.'],
    ['German "Aber"', '⟦Es ist billig.⟧ Aber es bricht.'],
    ['Russian "Однако"', '⟦Это дёшево.⟧ Однако ломается.'],
    ['Russian "Но" after a quotation mark', '⟦Это дёшево.⟧ «Но ломается», сказал он.'],
  ])('raises it: %s', (_name, template) => {
    const cue = cuesOf(template).find((c) => c.code === 'turn-after');
    expect(cue).toBeDefined();
    expect(cue?.message).toMatch(/^Worth a look/);
  });

  it.each([
    ['the next sentence goes on in agreement', '⟦It seems absurd.⟧ And it is.'],
    ['no text after the quotation', 'Before. ⟦It seems absurd.⟧'],
    ['"Butter" is not "But"', '⟦It is cheap.⟧ Butter is dear.'],
    ['the turn is in a later paragraph', '⟦It is cheap.⟧\n\nBut that is another story.'],
    ['the turn is two sentences on', '⟦It is cheap.⟧ It is light. But it breaks.'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('turn-after');
  });

  it('points at the context after the quotation', () => {
    const s = scene('⟦It seems absurd.⟧ Yet it is real.');
    const cue = findCues(s).find((c) => c.code === 'turn-after') as Cue;
    expect(s.segments[cue.segment as number]?.kind).toBe('context-after');
    expect(cue.trigger).toBe('Yet');
  });
});

describe('the sentence before frames the quotation', () => {
  it.each([
    ['"It is said that" in the same sentence', 'It is said that ⟦Lenin suggested another comrade⟧.'],
    ['"Critics claim that"', 'Critics claim that ⟦the bridge is unsafe⟧.'],
    ['a framing sentence before', 'Some say the worst. ⟦The bridge is unsafe.⟧'],
    ['"allegedly"', 'The minister ⟦allegedly⟧ knew.'.replace('⟦allegedly⟧ knew', 'allegedly ⟦knew it all⟧')],
    ['German "Es heißt"', 'Es heißt, ⟦die Brücke sei unsicher⟧.'],
    ['German "angeblich"', 'Die Brücke ist angeblich ⟦unsicher und alt⟧.'],
    ['Russian "говорят, что"', 'Говорят, что ⟦мост небезопасен⟧.'],
    ['Russian "якобы"', 'Мост якобы ⟦небезопасен⟧.'],
  ])('raises it: %s', (_name, template) => {
    const cue = cuesOf(template).find((c) => c.code === 'framing-before');
    expect(cue).toBeDefined();
  });

  it.each([
    ['a plain statement before', 'The river is wide. ⟦The bridge is unsafe.⟧'],
    ['the frame is in an earlier paragraph', 'It is said that rivers rise.\n\n⟦The bridge is unsafe.⟧'],
    ['the frame comes after', '⟦The bridge is unsafe⟧, critics claim.'],
    ['"sayings" is not "says"', 'Old sayings matter. ⟦The bridge is unsafe.⟧'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('framing-before');
  });
});

describe('a large share of the passage omitted', () => {
  it('raises it when over a third of the words in the span are left out', () => {
    const cue = cuesOf('⟦One two ⟨three four five ⟩six⟧.').find((c) => c.code === 'large-share-omitted');
    expect(cue?.trigger).toBe('50%');
    expect(cue?.message).toContain('3 of the 6 words');
  });

  it('counts silent and marked omissions together', () => {
    expect(codes('⟦One ⟨two ⟩three ⟪four five ⟫six⟧.')).toContain('large-share-omitted');
  });

  it.each([
    ['exactly a third', '⟦One two ⟨three ⟩four five six⟧ seven.'.replace('⟨three ⟩', '⟨three four ⟩')],
    ['a small cut', '⟦One two three ⟨four ⟩five six seven eight⟧.'],
    ['no cut at all', '⟦One two three.⟧ Four.'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('large-share-omitted');
  });
});

describe('the quotation changes who speaks', () => {
  it.each([
    ['the span is inside curly quotation marks', 'He wrote to Rykov saying: ‘⟦I ask you to release me⟧.’'],
    ['the span is inside guillemets', 'Он сказал: «⟦Я прошу освободить меня⟧».'],
    ['the span is inside German quotation marks', 'Er schrieb: „⟦Ich bitte um meine Entlassung⟧.“'],
    ['a reporting verb before the span', 'The minister said ⟦the bridge is safe⟧.'],
    ['a Russian reporting verb', 'Министр заявил, ⟦что мост безопасен⟧.'],
  ])('raises it: %s', (_name, template) => {
    const cue = cuesOf(template).find((c) => c.code === 'speaker-change');
    expect(cue).toBeDefined();
    expect(cue?.message).toMatch(/^Worth a look/);
  });

  it.each([
    ['the author speaks in his own voice', 'The bridge is old. ⟦It is safe.⟧'],
    ['quotation marks closed before the span', 'He wrote “I resign.” ⟦Nobody believed him.⟧'],
    ['apostrophes are not quotation marks', 'Stalin’s view was clear. ⟦I’m sure it’s right.⟧'],
    ['a closed German quotation', 'Er schrieb „Nein“. ⟦Dann ging er.⟧'],
  ])('does not raise it: %s', (_name, template) => {
    expect(codes(template)).not.toContain('speaker-change');
  });

  it('raises it when the quotation drops the marks the source has inside the span', () => {
    const s = scene('⟦He wrote: “I resign.” Then he left.⟧');
    s.quote = 'He wrote: I resign. Then he left.';
    expect(findCues(s).map((c) => c.code)).toContain('speaker-change');
  });

  it('does not raise it when the marks stand only in the words the quotation cut', () => {
    const s = scene('⟦He resigned. ⟨He wrote: “I quit.” ⟩Then he left.⟧');
    expect(findCues(s).map((c) => c.code)).not.toContain('speaker-change');
  });

  it('does not raise it when the quotation keeps the marks it reproduces', () => {
    const s = scene('⟦He wrote: “I resign.” Then he left.⟧');
    s.quote = 'He wrote: “I resign.” Then he left.';
    expect(findCues(s).map((c) => c.code)).not.toContain('speaker-change');
  });
});

describe('findCues as a whole', () => {
  it('returns nothing when the quotation was not found', () => {
    expect(findCues({ quote: 'x', source: 'y', segments: [], span: null })).toEqual([]);
  });

  it('keeps every offset inside the source and every segment index inside the segments', () => {
    const s = scene('It is said that ⟦the plan ⟨will not ⟩work⟧, but nobody knows. Yet we try.');
    for (const cue of findCues(s)) {
      if (cue.segment !== undefined) expect(cue.segment).toBeLessThan(s.segments.length);
      if (cue.source) {
        expect(cue.source.start).toBeGreaterThanOrEqual(0);
        expect(cue.source.end).toBeLessThanOrEqual(s.source.length);
        expect(cue.source.start).toBeLessThanOrEqual(cue.source.end);
      }
    }
  });

  // A hang guard (the test's timeout), not a timed assertion: speed is the benchmark's.
  it('finishes on a long source with thousands of omissions', () => {
    const sentence = 'The committee did not agree, but the chairman said it would pass anyway. ';
    const template = `⟦${sentence.repeat(2000).replace(/not /g, '⟨not ⟩')}⟧`;
    const cues = findCues(scene(template));
    expect(cues.filter((c) => c.code === 'negation').length).toBeGreaterThan(1000);
  }, 30_000);
});
