/** The library entry point: `compare(quote, source, options)` and the contract's types. */
export { compare, preparedSourceFor } from './core/compare.js';
export type * from './core/types.js';
