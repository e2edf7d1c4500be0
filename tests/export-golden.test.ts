/**
 * Golden files: every format of the founding case, one quotation and the whole case,
 * compared with the checked-in files under tests/golden/exports/ (reviewed by eye once).
 * A change in the engine or an exporter shows up here as a diff to read;
 * `UPDATE_GOLDEN=1 npx vitest run tests/export-golden.test.ts` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exporters } from '../src/export/registry.js';
import { caseInputOf, foundingCase, projectRoot, quotationInputOf } from './helpers/export-fixtures.js';

const GOLDEN_DIR = path.join(projectRoot, 'tests', 'golden', 'exports');
const update = process.env.UPDATE_GOLDEN === '1';

function checkGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (update) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(existsSync(file), `${name} is missing: run UPDATE_GOLDEN=1 npx vitest run tests/export-golden.test.ts`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('golden exports of the founding case', () => {
  const founding = foundingCase();
  const single = quotationInputOf(founding, 0);
  const whole = caseInputOf(founding);

  it.each(exporters.map((e) => [e.format, e]))('%s', (_format, exporter) => {
    checkGolden(`${founding.slug}-quotation-0.${exporter.extension}`, exporter.render(single));
    checkGolden(`${founding.slug}-all.${exporter.extension}`, exporter.renderCase(whole));
  });
});
