import { describe, expect, it } from 'vitest';
import { contextEnd, contextStart, crossesSentenceEnd, sentenceEndAfter, sentenceStartBefore } from '../src/core/sentences.js';

describe('sentence edges', () => {
  const text = 'Alexandrov, G. F. wrote it. Mr. Smith agreed! Did he? “Yes.” Then more.';
  it('finds the start of the sentence around an offset, past initials and abbreviations', () => {
    expect(text.slice(sentenceStartBefore(text, text.indexOf('wrote')).offset)).toMatch(/^Alexandrov/);
    expect(text.slice(sentenceStartBefore(text, text.indexOf('agreed')).offset)).toMatch(/^Mr\. Smith/);
    expect(text.slice(sentenceStartBefore(text, text.indexOf('Then')).offset)).toMatch(/^Then/);
  });
  it('finds the end of the sentence, with its closing quotation mark', () => {
    expect(text.slice(0, sentenceEndAfter(text, text.indexOf('Yes')).offset)).toMatch(/“Yes\.”$/);
  });
  it('stops at a paragraph break', () => {
    const para = 'First paragraph ends\n\nSecond starts here';
    expect(sentenceStartBefore(para, para.indexOf('starts'))).toEqual({ offset: para.indexOf('Second'), paragraph: true });
    expect(sentenceEndAfter(para, 3)).toEqual({ offset: para.indexOf('\n'), paragraph: true });
  });
  it('counts whole sentences of context', () => {
    const s = 'A one. B two. C three. D four. E five.';
    expect(s.slice(contextStart(s, s.indexOf('D'), 2), s.indexOf('D'))).toBe('B two. C three. ');
    expect(s.slice(s.indexOf('four') + 4, contextEnd(s, s.indexOf('four') + 4, 1))).toBe('. E five.');
  });
  it('tells whether a stretch crosses a sentence end', () => {
    expect(crossesSentenceEnd('one. Two', 0, 8)).toBe(true);
    expect(crossesSentenceEnd('one, two', 0, 8)).toBe(false);
  });
});
