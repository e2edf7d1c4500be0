import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { exportFormats, exporters, findExporter } from '../src/export/registry.js';
import { caseInputOf, hostileInput, smallCase } from './helpers/export-fixtures.js';

// The formats docs/contract.md fixes for GET /cases/:slug/export?format=F.
const CONTRACT_FORMATS = ['html', 'md', 'json', 'tei', 'jsonld', 'csv', 'claimreview', 'restored'];

describe('export registry', () => {
  it('registers exactly the contract formats, each with a media type and an extension', () => {
    expect([...exportFormats].sort()).toEqual([...CONTRACT_FORMATS].sort());
    for (const exporter of exporters) {
      expect(exporter.mediaType).toMatch(/^[a-z]+\/[a-z0-9.+-]+(;.*)?charset=utf-8/);
      expect(exporter.extension).toMatch(/^[a-z0-9.]+$/);
      expect(exporter.label.length).toBeGreaterThan(0);
    }
  });

  it('finds an exporter by its exact name and nothing else', () => {
    expect(findExporter('tei')?.extension).toBe('xml');
    expect(findExporter('TEI')).toBeUndefined();
    expect(findExporter('pdf')).toBeUndefined();
    expect(findExporter('')).toBeUndefined();
  });

  it('renders every format for a bare pair, as the CLI calls it, and for a whole case', () => {
    const { comparison, quote, source } = hostileInput();
    const whole = caseInputOf(smallCase());
    for (const exporter of exporters) {
      const single = exporter.render({ comparison, quote, source });
      expect(single.length, exporter.format).toBeGreaterThan(0);
      expect(single.endsWith('\n'), exporter.format).toBe(true);
      expect(exporter.renderCase(whole).length, exporter.format).toBeGreaterThan(single.length / 10);
    }
  });

  it.each([
    ['not found at all', 'Nothing here matches at all whatsoever'],
    ['partly found', 'Alpha beta gamma … the weather is fine today'],
    ['reordered', 'Iota kappa lambda mu … Alpha beta gamma delta'],
  ])('renders every format for a quotation %s', (_label, quote) => {
    const source = 'Alpha beta gamma delta. Epsilon zeta eta theta. Iota kappa lambda mu. Nu xi omicron pi.';
    const comparison = compare(quote, source);
    for (const exporter of exporters) {
      const output = exporter.render({ comparison, quote, source });
      if (exporter.mediaType.includes('json')) expect(() => JSON.parse(output), exporter.format).not.toThrow();
      if (exporter.format === 'tei') expect(XMLValidator.validate(output)).toBe(true);
      expect(output.length, exporter.format).toBeGreaterThan(0);
    }
  });
});
