import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderCaseHtml, renderHtml } from '../src/export/html.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

/** The export is written to parse as XML too (void elements aside), so a strict parser can read it back. */
function parseHtml(html: string): unknown {
  const asXml = html.replace(/^<!DOCTYPE html>\n/, '').replace(/<meta([^>]*)>/g, '<meta$1/>');
  const valid = XMLValidator.validate(asXml);
  expect(valid).toBe(true);
  return new XMLParser({ ignoreAttributes: false, preserveOrder: true, htmlEntities: true, trimValues: false }).parse(asXml);
}

/** Every element of the parsed tree, with its attributes and its text content. */
function elements(tree: unknown): Array<{ name: string; attributes: Record<string, string>; text: string }> {
  const found: Array<{ name: string; attributes: Record<string, string>; text: string }> = [];
  const textOf = (nodes: unknown[]): string =>
    nodes.map((n) => {
      const node = n as Record<string, unknown>;
      if ('#text' in node) return String(node['#text']);
      const name = Object.keys(node).find((k) => k !== ':@');
      return name ? textOf(node[name] as unknown[]) : '';
    }).join('');
  const walk = (nodes: unknown[]): void => {
    for (const n of nodes) {
      const node = n as Record<string, unknown>;
      const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
      if (!name) continue;
      const attributes = Object.fromEntries(
        Object.entries((node[':@'] ?? {}) as Record<string, string>).map(([k, v]) => [k.replace(/^@_/, ''), v]),
      );
      found.push({ name, attributes, text: textOf(node[name] as unknown[]) });
      walk(node[name] as unknown[]);
    }
  };
  walk(tree as unknown[]);
  return found;
}

describe('HTML export', () => {
  const input = hostileInput();
  const html = renderHtml(input);
  const all = elements(parseHtml(html));
  // Inside <main> only: the legend shows samples of every mark.
  const inMain = elements(parseHtml(/<main>[\s\S]*<\/main>/.exec(html)![0]));
  const byClass = (cls: string) => inMain.filter((e) => (e.attributes.class ?? '').split(' ').includes(cls));

  it('is one self-contained document: inline CSS, no script, no external requests', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(all.filter((e) => e.name === 'style')).toHaveLength(1);
    expect(all.filter((e) => e.name === 'script')).toHaveLength(0);
    expect(all.some((e) => e.name === 'link' || e.name === 'img' || e.name === 'iframe')).toBe(false);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/url\(|@import/);
    const csp = all.find((e) => e.name === 'meta' && e.attributes['http-equiv'] === 'Content-Security-Policy');
    expect(csp?.attributes.content).toContain("default-src 'none'");
    expect(html).toContain('@media print');
  });

  it('escapes every piece of user text', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>bold');
    expect(html).not.toContain('<i>Author');
    expect(html).not.toContain('<tags>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;');
    // The hostile texts come back intact once the entities are read.
    expect(all.find((e) => e.name === 'title')?.text).toBe('Title <script>alert(1)</script> & "co"');
  });

  it('shows the quotation with its cuts and the source with what was left out', () => {
    expect(byClass('silent').filter((e) => e.name === 'del').map((e) => e.text.trim())).toEqual(['never', 'all,']);
    expect(byClass('marked').filter((e) => e.name === 'del').map((e) => e.text.trim())).toEqual(['a formula;']);
    expect(byClass('editorial').filter((e) => e.name === 'ins').map((e) => e.text.trim())).toEqual(['[really]']);
    expect(byClass('cut').filter((e) => e.name === 'span')).toHaveLength(2);
    const quotation = all.find((e) => e.name === 'blockquote')!;
    expect(quotation.text.replace(/⟨…⟩/g, '')).toBe(input.quote);
    // Right-to-left text and combining accents pass through untouched.
    expect(html).toContain('שלום עולם and e\u0301te\u0301');
  });

  it('has the legend, the summary, the verdict and the citation', () => {
    expect(all.filter((e) => e.attributes.class === 'legend')).toHaveLength(1);
    expect(byClass('summary')[0]?.text).toBe(input.comparison.verdict.summary);
    expect(byClass('verdict')[0]?.text).toMatch(/Silent omission$/);
    expect(byClass('counts')[0]?.text).toMatch(/4 left out .*: 2 silent omissions, 1 marked omission/);
    expect(all.find((e) => e.name === 'cite')?.text).toBe('Ann <i>Author</i>, =cmd| ]]> & Work, 1999, https://example.org/a?b=1&c=<2>.');
  });

  it('puts every quotation of a case in one document, with the case notes rendered without raw HTML', () => {
    const caseHtml = renderCaseHtml(caseInputOf(smallCase()));
    const caseElements = elements(parseHtml(caseHtml));
    expect(caseElements.filter((e) => e.name === 'section' && e.attributes.class === 'comparison')).toHaveLength(2);
    expect(caseElements.filter((e) => e.name === 'h2').map((e) => e.text)).toEqual(['Quotation 1 of 2', 'Quotation 2 of 2']);
    expect(caseElements.some((e) => e.name === 'strong' && e.text === 'Markdown')).toBe(true);
    expect(caseHtml).toContain('&lt;b&gt;raw html&lt;/b&gt;');
    expect(caseHtml).not.toContain('<b>raw html');
  });
});
