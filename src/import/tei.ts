/**
 * TEI XML: the text of <body> as paragraphs (<p>, <head>, <lg>/<l>, <sp>...), its
 * <head>s mapped as headings, and its <note>s set apart in provenance rather than
 * interrupting the text a quotation was taken from.
 */
import { UserError } from '../errors.js';
import { htmlBlocks, type DomNode } from './html.js';
import { decodeText } from './text.js';
import type { Extracted } from './types.js';
import { elementsNamed, parseXml } from './xml.js';

export function extractTei(bytes: Uint8Array, what: string): Extracted {
  const document = parseXml(decodeText(bytes).text, what);
  const body = elementsNamed(document, 'body')[0];
  if (!body) throw new UserError(`${what} is XML without a TEI <body>: Elision reads TEI documents.`, 422);
  const notes: string[] = [];
  const blocks = htmlBlocks(body as unknown as DomNode, {
    headingTags: /^HEAD$/,
    skip: (node) => {
      const name = node.nodeName.toUpperCase();
      if (name === 'NOTE') {
        const note = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (note) notes.push(note);
        return true;
      }
      // the TEI header's matter and editorial apparatus stand apart from the text
      return name === 'TEIHEADER' || name === 'FW';
    },
  });
  const title = elementsNamed(document, 'title')[0]?.textContent?.replace(/\s+/g, ' ').trim();
  const author = elementsNamed(document, 'author')[0]?.textContent?.replace(/\s+/g, ' ').trim();
  return {
    text: blocks.text,
    where: blocks.headings.map(({ start, heading }) => ({ start, heading })),
    mediaType: 'application/tei+xml',
    extractedBy: 'fast-xml-parser 5 (well-formedness) and linkedom 0.18',
    details: { ...(notes.length > 0 ? { notes } : {}), ...(title ? { title } : {}), ...(author ? { author } : {}) },
  };
}
