/** The library entry point: `compare(quote, source, options)` and the contract's types. */
export { compare, preparedSourceFor } from './core/compare.js';
export type * from './core/types.js';
/** The engine's one sentence detector and one word counter, for every surface that needs them. */
export { contextEnd, contextStart, isSentenceEndAt, sentenceEndAfter, sentenceStartBefore } from './core/sentences.js';
export { countWords } from './core/text.js';
