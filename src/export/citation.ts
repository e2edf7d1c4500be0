/**
 * The source's citation in Chicago style (the notes form, which cites a passage with
 * its page), as plain text or as parts with the titles flagged for italics; and the
 * same citation as CSL-JSON, which Zotero and every CSL processor read.
 *
 * Deliberately not a full Chicago engine: names are printed as the user typed them
 * (the notes form does not invert names, so no guessing at which word is the family
 * name), and a missing field is left out rather than invented.
 */
import type { Citation } from '../cases/types.js';

/** A piece of a formatted citation; `italic` marks a title. */
export interface CitationPart {
  text: string;
  italic?: boolean;
}

function clean(value: string | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** "2" → "2nd ed."; anything else as typed, with "ed." added when no edition word is there. */
function formatEdition(edition: string): string {
  if (/^\d+$/.test(edition)) {
    const n = Number(edition);
    const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
    return `${n}${suffix} ed.`;
  }
  return /\bed(\.|ition)/i.test(edition) ? edition : `${edition} ed.`;
}

/**
 * The citation as parts of a Chicago note: `Author, Title, ed. (Place: Publisher, Year), page, URL.`
 * A work inside a container prints as `“Work,” in Container`; a web page (a URL and no
 * publisher or place) as `“Work,” Site, Year, URL.` Empty citation → no parts.
 */
export function chicagoParts(citation: Citation | undefined): CitationPart[] {
  if (!citation) return [];
  const author = clean(citation.author);
  const work = clean(citation.work);
  const container = clean(citation.container);
  const year = clean(citation.year);
  const edition = clean(citation.edition);
  const publisher = clean(citation.publisher);
  const place = clean(citation.place);
  const page = clean(citation.page);
  const url = clean(citation.url);
  const isWebPage = url !== '' && publisher === '' && place === '';

  // Each element is a run of parts; elements are joined by ", ".
  const elements: CitationPart[][] = [];
  if (author) elements.push([{ text: author }]);

  const title: CitationPart[] = [];
  if (work && container) {
    title.push({ text: `“${work},” ${isWebPage ? '' : 'in '}` }, { text: container, italic: true });
  } else if (work || container) {
    title.push({ text: work || container, italic: true });
  }
  if (title.length > 0) elements.push(title);
  if (edition) elements.push([{ text: formatEdition(edition) }]);

  const imprint = [place && publisher ? `${place}: ${publisher}` : place || publisher, year].filter(Boolean).join(', ');
  if (imprint && !isWebPage) {
    const last = elements[elements.length - 1];
    if (last) last.push({ text: ` (${imprint})` });
    else elements.push([{ text: imprint }]);
  } else if (year) {
    elements.push([{ text: year }]);
  }
  if (page) elements.push([{ text: page }]);
  if (url) elements.push([{ text: url }]);
  if (elements.length === 0) return [];

  const parts: CitationPart[] = [];
  elements.forEach((element, i) => {
    if (i > 0) parts.push({ text: ', ' });
    parts.push(...element);
  });
  if (!/[.?!]$/.test(parts[parts.length - 1]!.text)) parts.push({ text: '.' });
  return mergePlainParts(parts);
}

function mergePlainParts(parts: CitationPart[]): CitationPart[] {
  const merged: CitationPart[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (previous && !previous.italic && !part.italic) previous.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

/**
 * The citation as one line of plain text, e.g.
 * `Robert Service, Stalin: A Biography (London: Macmillan, 2004), 259.`
 * Titles are not marked (plain text has no italics). Empty or absent citation → "".
 */
export function formatChicago(citation: Citation | undefined): string {
  return chicagoParts(citation)
    .map((part) => part.text)
    .join('');
}

/** A name in CSL-JSON: family/given when the name's shape is clear, otherwise literal. */
export type CslName = { family: string; given?: string } | { literal: string };

/**
 * "Service, Robert" and "Robert Service" → {family: "Service", given: "Robert"}; a single
 * word, or a name with words such as "of" or "the" (an institution), stays literal.
 */
export function parseCslName(name: string): CslName {
  const trimmed = clean(name);
  const comma = trimmed.indexOf(',');
  if (comma > 0) {
    const family = trimmed.slice(0, comma).trim();
    const given = trimmed.slice(comma + 1).trim();
    return given ? { family, given } : { literal: trimmed };
  }
  const words = trimmed.split(' ');
  // Lower-case words ("of", "the", "von") make the split uncertain: keep such names whole.
  if (words.length < 2 || words.length > 4 || words.some((w) => !/^\p{Lu}/u.test(w))) {
    return { literal: trimmed };
  }
  return { family: words[words.length - 1]!, given: words.slice(0, -1).join(' ') };
}

/** The CSL-JSON item for the source, as Zotero imports it. Absent fields are left out. */
export interface CslItem {
  id: string;
  type: 'book' | 'chapter' | 'webpage' | 'article' | 'document';
  title?: string;
  author?: CslName[];
  'container-title'?: string;
  issued?: { 'date-parts': [[number]] } | { literal: string };
  edition?: string;
  publisher?: string;
  'publisher-place'?: string;
  page?: string;
  URL?: string;
  language?: string;
  note?: string;
}

/**
 * The citation as one CSL-JSON item. Several authors typed as "A; B" or "A and B"
 * become several names. A four-digit year becomes date-parts; anything else a literal date.
 */
export function toCslJson(citation: Citation | undefined, id = 'source'): CslItem {
  const c = citation ?? {};
  const url = clean(c.url);
  const container = clean(c.container);
  const isWebPage = url !== '' && !clean(c.publisher) && !clean(c.place);
  const item: CslItem = {
    id,
    type: container ? (isWebPage ? 'webpage' : 'chapter') : isWebPage ? 'webpage' : clean(c.work) ? 'book' : 'document',
  };
  const assign = <K extends keyof CslItem>(key: K, value: CslItem[K] | ''): void => {
    if (value !== '' && value !== undefined) item[key] = value as CslItem[K];
  };
  assign('title', clean(c.work));
  const author = clean(c.author);
  if (author) {
    item.author = author
      .split(/\s*;\s*|\s+and\s+|\s*&\s*/)
      .filter(Boolean)
      .map(parseCslName);
  }
  assign('container-title', container);
  const year = clean(c.year);
  if (year) item.issued = /^\d{1,4}$/.test(year) ? { 'date-parts': [[Number(year)]] } : { literal: year };
  assign('edition', clean(c.edition));
  assign('publisher', clean(c.publisher));
  assign('publisher-place', clean(c.place));
  assign('page', clean(c.page));
  assign('URL', url);
  assign('language', clean(c.language));
  assign('note', clean(c.note));
  return item;
}
