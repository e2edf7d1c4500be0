/**
 * Keeps a user's bidirectional formatting characters inside the label they typed.
 *
 * An embedding or override (LRE, RLE, LRO, RLO) or an isolate (LRI, RLI, FSI) that is
 * never closed runs on to the end of its paragraph: a title ending in U+202E would
 * print the page's own words after it backwards ("… by Mallory" turning into
 * "yrollaM yb …"), which is how spoofed text is made. `closeBidiControls` appends the
 * terminators (PDF, PDI) that the text leaves open, following the pairing rules of
 * UAX #9, so the user's text shows exactly as they meant and nothing after it moves.
 *
 * Deliberately not applied to quotations and sources: their offsets are sacred, and an
 * override there reorders only the author's own text in its own block.
 */

const EMBEDDINGS = /[\u202a\u202b\u202d\u202e]/; // LRE RLE LRO RLO
const ISOLATES = /[\u2066\u2067\u2068]/; // LRI RLI FSI
const PDF = '\u202c';
const PDI = '\u2069';
const PARAGRAPH_END = /[\n\r\u2029\u001c-\u001e\u0085]/;
const ANY_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/** The text with the PDF and PDI it leaves open appended; unchanged when nothing is open. */
export function closeBidiControls(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  let open: Array<'embedding' | 'isolate'> = [];
  for (const ch of text) {
    if (EMBEDDINGS.test(ch)) open.push('embedding');
    else if (ISOLATES.test(ch)) open.push('isolate');
    else if (ch === PDF) {
      // a PDF closes the latest embedding, but never one outside the current isolate
      if (open[open.length - 1] === 'embedding') open.pop();
    } else if (ch === PDI) {
      const isolate = open.lastIndexOf('isolate');
      if (isolate >= 0) open = open.slice(0, isolate);
    } else if (PARAGRAPH_END.test(ch)) {
      open = [];
    }
  }
  return text + open.reverse().map((kind) => (kind === 'embedding' ? PDF : PDI)).join('');
}
