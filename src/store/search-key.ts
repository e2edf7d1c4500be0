/**
 * The one folding rule for searching cases: what is stored in the search columns and
 * what a query is turned into before it is looked up, so the two always agree.
 * Not the engine's normalisation (src/core/text.ts): no offsets are kept, and it only
 * has to make a search forgiving, never to locate a quotation.
 */

/**
 * Compatibility-normalised (NFKC), lower-cased, curly quotes and dashes made plain,
 * runs of white space made one space. "Stalin’s  LETTER" → "stalin's letter".
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’ʼ′]/g, "'")
    .replace(/[“”„″«»]/g, '"')
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/\s+/g, ' ');
}

/** The words of a search query, folded; quoted phrases ("took took") stay one term. */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  const folded = foldForSearch(query).trim();
  for (const match of folded.matchAll(/"([^"]*)"|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').trim();
    if (term !== '') terms.push(term);
  }
  return terms;
}
