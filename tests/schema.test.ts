/** The case schemas: what a valid case becomes, and how a bad one is named. */
import { describe, expect, it } from 'vitest';
import { CaseValidationError, parseCaseImport, parseCaseInput, parseCaseWithSlug } from '../src/cases/schema.js';

const minimal = { title: 'T', source: { text: 'a b c' }, quotations: [{ text: 'b' }] };

describe('parseCaseInput', () => {
  it('keeps texts exactly, trims and collapses labels, and drops empty fields', () => {
    const parsed = parseCaseInput({
      title: '  A   title\n',
      source: { text: '  exact\r\n text \n', citation: { author: ' Ann  Author ', work: '', year: null, url: ' https://example.org/x ' } },
      quotations: [{ text: ' exact\r\n', quotedBy: { author: '', work: '  ' }, note: '' }],
      notes: '  *kept*  \n',
      tags: [' one ', 'One', '', 'two  words'],
      questions: ['Why?', '  ', 'How?'],
    });
    expect(parsed).toEqual({
      title: 'A title',
      source: { text: '  exact\r\n text \n', citation: { author: 'Ann Author', url: 'https://example.org/x' } },
      quotations: [{ text: ' exact\r\n' }],
      notes: '  *kept*  \n',
      tags: ['one', 'two words'],
      questions: ['Why?', 'How?'],
      teacherNotes: '',
    });
  });

  it('fills what the contract shape may leave out', () => {
    expect(parseCaseInput(minimal)).toEqual({ ...minimal, source: { text: 'a b c', citation: {} }, notes: '', tags: [], questions: [], teacherNotes: '' });
  });

  it('names the first problem and where it is, with 413 for a size limit even when other problems come first', () => {
    try {
      parseCaseInput({ title: '', source: { text: 'x'.repeat(10 * 1024 * 1024 + 1) }, quotations: [] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CaseValidationError);
      const e = err as CaseValidationError;
      expect(e.status).toBe(413);
      expect(e.path).toEqual(['source', 'text']);
      expect(e.detail).toBe('The source is 10.1 MB; the limit is 10 MB.');
      expect(e.message).toBe(`source.text: ${e.detail}`);
    }
  });

  it('refuses URLs other than http(s), whatever their case or spacing', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'not a url']) {
      expect(() => parseCaseInput({ ...minimal, source: { text: 'a', citation: { url } } }), url).toThrow(/must be a web address/);
    }
  });
});

describe('parseCaseWithSlug and parseCaseImport', () => {
  it('takes an optional slug and ignores keys it does not know', () => {
    expect(parseCaseWithSlug({ ...minimal, slug: 'my-case', builtIn: true, createdAt: 'x' }).slug).toBe('my-case');
    expect(parseCaseWithSlug({ ...minimal, slug: '' }).slug).toBeUndefined();
    expect(() => parseCaseWithSlug({ ...minimal, slug: 'No Good' })).toThrow(/^slug: /);
  });

  it('takes one case, a list, or {"cases": [...]}', () => {
    expect(parseCaseImport(minimal)).toHaveLength(1);
    expect(parseCaseImport([minimal, minimal])).toHaveLength(2);
    expect(parseCaseImport({ format: 'elision-cases', version: 1, cases: [minimal] })).toHaveLength(1);
  });

  it('names the bad case by its place in the list', () => {
    expect(() => parseCaseImport({ cases: [minimal, { ...minimal, title: 3 }] })).toThrow(/^\[1\]\.title: The title must be text\.$/);
    expect(() => parseCaseImport(Array.from({ length: 501 }, () => minimal))).toThrow(/At most 500 cases/);
  });
});
