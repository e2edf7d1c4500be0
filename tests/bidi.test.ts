import { describe, expect, it } from 'vitest';
import { closeBidiControls } from '../src/bidi.js';

const [LRE, RLE, PDF, LRO, RLO] = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e'];
const [LRI, RLI, FSI, PDI] = ['\u2066', '\u2067', '\u2068', '\u2069'];

describe('closeBidiControls', () => {
  it.each([
    ['plain text', 'Mallory', 'Mallory'],
    ['an open override', `${RLO}evil`, `${RLO}evil${PDF}`],
    ['a closed override', `${RLO}evil${PDF} ok`, `${RLO}evil${PDF} ok`],
    ['nested embeddings', `${LRE}a${RLE}b${LRO}c`, `${LRE}a${RLE}b${LRO}c${PDF}${PDF}${PDF}`],
    ['an open isolate', `${RLI}שלום`, `${RLI}שלום${PDI}`],
    ['an isolate inside an override', `${RLO}a${FSI}b`, `${RLO}a${FSI}b${PDI}${PDF}`],
    ['a PDI closes the embeddings opened inside its isolate', `${LRI}a${RLO}b${PDI}c`, `${LRI}a${RLO}b${PDI}c`],
    ['a PDF cannot close an embedding outside the isolate', `${RLO}a${LRI}b${PDF}`, `${RLO}a${LRI}b${PDF}${PDI}${PDF}`],
    ['stray terminators are left alone', `${PDF}${PDI}a`, `${PDF}${PDI}a`],
    ['a new paragraph closes everything', `${RLO}a\nb`, `${RLO}a\nb`],
    ['an override after a paragraph break', `a\n${RLO}b`, `a\n${RLO}b${PDF}`],
  ])('%s', (_name, input, expected) => {
    expect(closeBidiControls(input)).toBe(expected);
  });

  it('leaves text without controls identical (same string)', () => {
    const text = 'Сталин ... [as the] 中国 مرحبا';
    expect(closeBidiControls(text)).toBe(text);
  });
});
