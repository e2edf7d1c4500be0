/**
 * The core stays pure (DESIGN.md): no I/O, no clock, no randomness, no environment, and
 * no imports from the shells. A lint rule in test form, so it runs wherever tests run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDir = path.resolve(import.meta.dirname, '..', 'src', 'core');
const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

const FORBIDDEN: Array<[RegExp, string]> = [
  [/from\s+['"]node:/, 'a node: module'],
  [/from\s+['"](fs|path|os|http|child_process|express|better-sqlite3|pino)['"]/, 'an I/O package'],
  [/from\s+['"]\.\.\/(web|store|export|cli)/, 'a shell module'],
  [/process\.(env|argv|stdout|stderr|exit)/, 'the process'],
  [/Date\.now\(|new Date\(/, 'the clock'],
  [/Math\.random\(/, 'randomness'],
  [/console\./, 'the console'],
];

describe('src/core is pure', () => {
  it.each(files)('%s imports and touches nothing outside the core', (file) => {
    const text = readFileSync(path.join(coreDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [pattern, what] of FORBIDDEN) expect(text, `${file} uses ${what}`).not.toMatch(pattern);
  });
});
