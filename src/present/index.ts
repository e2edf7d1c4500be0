/**
 * What people read of a comparison, in one place for every surface — the pages, the
 * exercise, the exports and the CLI: the verdict (icon, word, the engine's summary),
 * counts with their plural forms, the quotation and source passage read in order,
 * quoted-by lines, excerpts, and escaping for each format.
 *
 * Deliberately no judging (src/core/verdict.ts does that once) and no I/O.
 */
export * from './verdict.js';
export * from './words.js';
export * from './pieces.js';
export * from './reading.js';
export * from './quoted-by.js';
export * from './escape.js';
export * from './provenance.js';
