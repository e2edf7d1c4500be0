import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../src/present/escape.js';
import { renderCaseMarkdown, renderMarkdown } from '../src/export/markdown.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

// A renderer that allows raw HTML: the export must be safe even in the laxest reader.
const lax = new MarkdownIt({ html: true });

describe('Markdown export', () => {
  const input = hostileInput();
  const md = renderMarkdown(input);
  const rendered = lax.render(md);

  it('lets no user text through as markup, even where raw HTML is allowed', () => {
    expect(rendered).not.toMatch(/<script|<b>bold|<i>Author|<x>|<tags>/);
    expect(rendered).toContain('Title &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;');
  });

  it('reads as plain text: title, verdict, summary, quotation, passage, citation', () => {
    expect(md).toMatch(/^# Title /);
    expect(md).toContain('**Verdict: ✂ Silent omission.** Words of the source are left out with no ellipsis');
    expect(md).toContain('> "quoted" \\]\\]\\> text, which was ⟨…⟩ true.');
    expect(md).toContain('\\[cut silently:\\] ~~never~~');
    expect(md).toContain('\\[cut, marked:\\] ~~a formula;~~');
    expect(md).toContain('Source: Ann \\<i\\>Author\\</i\\>, *\\=cmd\\| \\]\\]\\> & Work*, 1999');
    expect(md).toContain('שלום עולם and e\u0301te\u0301');
  });

  it('renders the marks as strike-through and bold', () => {
    expect(rendered).toContain('<s>never</s>');
    expect(rendered).toContain('<s>a formula;</s>');
    expect(rendered).toMatch(/<strong>quoted&quot; \]\]&gt; text, which was<\/strong>/);
    expect(rendered).toContain('<em>[really]</em>');
  });

  it('puts every quotation of a case in one document and defuses raw HTML in the case notes', () => {
    const caseMd = renderCaseMarkdown(caseInputOf(smallCase()));
    expect(caseMd.match(/^## Quotation \d of 2$/gm)).toEqual(['## Quotation 1 of 2', '## Quotation 2 of 2']);
    const caseHtml = lax.render(caseMd);
    expect(caseHtml).toContain('<strong>Markdown</strong>');
    expect(caseHtml).not.toContain('<b>raw html');
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['*a* _b_ `c`', '\\*a\\* \\_b\\_ \\`c\\`'],
    ['# heading', '\\# heading'],
    ['1. item', '1\\. item'],
    ['- item', '\\- item'],
    ['&amp; and & alone', '\\&amp; and & alone'],
    ['[link](x)', '\\[link\\](x)'],
  ])('%s', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
    // Each escaped text renders back to itself.
    expect(lax.renderInline(escapeMarkdown(text))).toBe(lax.utils.escapeHtml(text));
  });
});
