/**
 * A compact, readable form of a comparison for assertions:
 *   `=It is said · -[omitted words] · ~[new→old] · +[inserted] · +{[editorial]} · …[marked cut]`
 * Context segments are left out unless asked for.
 */
import type { Comparison } from '../../src/core/types.js';

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

export function compact(comparison: Comparison, quote: string, source: string, withContext = false): string {
  const parts: string[] = [];
  for (const s of comparison.segments) {
    const q = s.quote ? flat(quote.slice(s.quote.start, s.quote.end)) : '';
    const o = s.source ? flat(source.slice(s.source.start, s.source.end)) : '';
    switch (s.kind) {
      case 'context-before':
      case 'context-after':
        if (withContext) parts.push(`(${o})`);
        break;
      case 'match':
        parts.push(`=${q}`);
        break;
      case 'omission':
        parts.push(s.marked ? `…[${o}]` : `-[${o}]`);
        break;
      case 'insertion':
        parts.push(s.editorial ? `+{${q}}` : `+[${q}]`);
        break;
      case 'alteration':
        parts.push(`~[${q}→${o}]${s.editorial ? '{ed}' : ''}`);
        break;
    }
  }
  return parts.join(' · ');
}

export function noteCodes(comparison: Comparison): string[] {
  return comparison.notes.map((n) => n.code);
}
