import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { TEI_NAMESPACE, renderCaseTei, renderTei } from '../src/export/tei.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, trimValues: false });

type Node = Record<string, unknown>;
interface El {
  name: string;
  attributes: Record<string, string>;
  children: Array<El | string>;
}

function toTree(nodes: unknown[]): Array<El | string> {
  return nodes.flatMap((n): Array<El | string> => {
    const node = n as Node;
    if ('#text' in node) return [String(node['#text'])];
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '?xml') return [];
    const attributes = Object.fromEntries(Object.entries((node[':@'] ?? {}) as Record<string, string>).map(([k, v]) => [k.replace(/^@_/, ''), v]));
    return [{ name, attributes, children: toTree(node[name] as unknown[]) }];
  });
}

function parseTei(xml: string): El {
  expect(XMLValidator.validate(xml)).toBe(true);
  const root = toTree(parser.parse(xml) as unknown[]).find((n): n is El => typeof n !== 'string')!;
  return root;
}

function all(el: El, name: string): El[] {
  const found: El[] = [];
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === 'string') continue;
      if (c.name === name) found.push(c);
      walk(c);
    }
  };
  walk(el);
  return found;
}

const textOf = (el: El): string => el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
const childNames = (el: El): string[] => el.children.filter((c): c is El => typeof c !== 'string').map((c) => c.name);

describe('TEI export', () => {
  const input = hostileInput();
  const xml = renderTei(input);
  const tei = parseTei(xml);

  it('is a well-formed, namespaced, minimal TEI document', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(tei.name).toBe('TEI');
    expect(tei.attributes.xmlns).toBe(TEI_NAMESPACE);
    expect(childNames(tei)).toEqual(['teiHeader', 'text']);
    const fileDesc = all(tei, 'fileDesc')[0]!;
    expect(childNames(fileDesc)).toEqual(['titleStmt', 'publicationStmt', 'sourceDesc']);
    expect(textOf(all(fileDesc, 'title')[0]!)).toBe('Title <script>alert(1)</script> & "co"');
    expect(childNames(all(tei, 'text')[0]!)).toEqual(['body']);
  });

  it('has a cit with the quote and a bibl', () => {
    const cit = all(tei, 'cit')[0]!;
    expect(childNames(cit)).toEqual(['quote', 'bibl']);
    const bibl = all(cit, 'bibl')[0]!;
    expect(childNames(bibl)).toEqual(['author', 'title', 'date', 'idno']);
    expect(textOf(all(bibl, 'author')[0]!)).toBe('Ann <i>Author</i>');
    expect(textOf(all(bibl, 'idno')[0]!)).toBe('https://example.org/a?b=1&c=<2>');
  });

  it('marks omissions as gap and editorial insertions as supplied inside the quote', () => {
    const quote = all(tei, 'quote')[0]!;
    const gaps = all(quote, 'gap');
    expect(gaps.map((g) => [g.attributes.reason, g.attributes.rend])).toEqual([
      ['omitted', 'silent'],
      ['omitted', 'ellipsis'],
      ['omitted', 'silent'],
    ]);
    expect(gaps.every((g) => g.children.length === 0)).toBe(true);
    const supplied = all(quote, 'supplied');
    expect(supplied.map((s) => [textOf(s), s.attributes.reason])).toEqual([['really', 'editorial']]);
    // The marked cut's ellipsis is what <gap> stands for now; the rest of the text is intact.
    expect(textOf(quote)).not.toContain('…');
    expect(textOf(quote)).toContain('"quoted" ]]> text, which was');
    expect(textOf(quote)).toContain('שלום עולם and e\u0301te\u0301');
  });

  it('gives the source passage with the omitted stretches marked', () => {
    const passage = all(tei, 'div').find((d) => d.attributes.type === 'source-passage')!;
    const segs = all(passage, 'seg');
    expect(segs.filter((s) => s.attributes.type === 'omission').map((s) => [textOf(s), s.attributes.subtype])).toEqual([
      ['never', 'silent'],
      ['a formula;', 'marked'],
      ['all,', 'silent'],
    ]);
    expect(textOf(passage).trim()).toBe(input.source);
  });

  it('keeps content models: div holds head/cit/note before any nested div, p holds only seg', () => {
    for (const div of all(tei, 'div').filter((d) => d.attributes.type === 'comparison')) {
      const names = childNames(div);
      expect(names.lastIndexOf('cit')).toBeLessThan(names.indexOf('div'));
    }
    for (const p of all(tei, 'p')) expect(childNames(p).every((n) => n === 'seg')).toBe(true);
  });

  it('replaces characters XML cannot hold instead of breaking', () => {
    const quote = 'bad \u0001 char';
    const source = 'A bad \u0001 char here.';
    const out = renderTei({ comparison: compare(quote, source), quote, source });
    expect(XMLValidator.validate(out)).toBe(true);
    expect(out).toContain('\uFFFD');
  });

  it('puts every quotation of a case in one document, a div each', () => {
    const caseTei = parseTei(renderCaseTei(caseInputOf(smallCase())));
    const divs = all(caseTei, 'div').filter((d) => d.attributes.type === 'comparison');
    expect(divs.map((d) => d.attributes.n)).toEqual(['1', '2']);
    expect(all(divs[1]!, 'gap')).toHaveLength(1);
  });
});
