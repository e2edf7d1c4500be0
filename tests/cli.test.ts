/**
 * The command line, as CONTRACT.md fixes it: in process through runCli for the many
 * cases, and a few times through `npm run --silent cli` exactly as outside checks call it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'elision-cli-'));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const source = file('source.txt', 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.');
const quote = file('quote.txt', '“It was the best of times … it was the age of foolishness.”');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('elision compare', () => {
  it('prints the contract’s comparison as JSON and exits 0', () => {
    const result = runCli(['compare', quote, source, '--format', 'json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const comparison = JSON.parse(result.stdout);
    expect(comparison).toMatchObject({ version: 1, found: true, stats: { markedOmissions: 1, silentOmissions: 0 } });
    expect(Object.keys(comparison)).toEqual(expect.arrayContaining(['version', 'found', 'span', 'fragments', 'segments', 'stats']));
  });

  it('exits 0 with found: false when the quotation is not in the source', () => {
    const other = file('other.txt', 'Nothing of the kind appears anywhere here');
    const result = runCli(['compare', other, source, '--format', 'json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).found).toBe(false);
  });

  it('prints a readable text form by default, coloured only when asked or on a terminal', () => {
    const plain = runCli(['compare', quote, source]);
    expect(plain.stdout).toContain('[-it was the worst of times, it was the age of wisdom,-]');
    expect(plain.stdout).toContain('1 marked omission');
    expect(plain.stdout).not.toContain('\x1b[');
    expect(runCli(['compare', quote, source], true).stdout).toContain('\x1b[');
    expect(runCli(['compare', quote, source, '--no-color'], true).stdout).not.toContain('\x1b[');
  });

  it('renders every export format from the registry', () => {
    for (const format of ['html', 'md', 'tei', 'jsonld', 'csv', 'claimreview', 'restored']) {
      const result = runCli(['compare', quote, source, '--format', format]);
      expect(result.exitCode, format).toBe(0);
      expect(result.stdout.length, format).toBeGreaterThan(20);
    }
  });

  it('takes context in sentences or words', () => {
    const result = runCli(['compare', quote, source, '--format', 'json', '--context-words', '0']);
    expect(JSON.parse(result.stdout).segments.some((s: { kind: string }) => s.kind === 'context-before')).toBe(false);
  });

  const big = Buffer.alloc(101 * 1024, 'a ');
  it.each([
    ['a missing file', ['compare', path.join(dir, 'nope.txt'), source], /no such file/],
    ['an empty quotation', ['compare', file('empty.txt', '  \n'), source], /quotation is empty/],
    ['an empty source', ['compare', quote, file('empty-source.txt', '')], /source is empty/],
    ['a quotation that is not UTF-8', ['compare', file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9])), source], /not UTF-8/],
    ['a quotation over 100 KB', ['compare', file('big.txt', big), file('big-source.txt', Buffer.concat([big, big]))], /limit is 100 KB/],
    ['a quotation of ellipses only', ['compare', file('marks.txt', '… [...] (…) ?!'), source], /no words/],
    ['a quotation longer than the source', ['compare', source, file('short.txt', 'It was')], /longer than the source/],
    ['an unknown format', ['compare', quote, source, '--format', 'pdfx'], /Unknown format/],
    ['an unknown option', ['compare', quote, source, '--frobnicate'], /Unknown option/],
    ['a bad context count', ['compare', quote, source, '--context', 'lots'], /whole number/],
    ['a missing command', [], /Missing command/],
    ['one file only', ['compare', quote], /two files/],
  ])('refuses %s with one line on stderr and exit 2', (_name, args, message) => {
    const result = runCli(args as string[]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('runs as CONTRACT.md calls it, reading standard input for "-"', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'cli', '--', 'compare', quote, source, '--format', 'json'], { cwd: root });
    expect(JSON.parse(stdout).version).toBe(1);
    const child = run('npm', ['run', '--silent', 'cli', '--', 'compare', '-', source, '--format', 'json'], { cwd: root });
    child.child.stdin!.end('the age of wisdom');
    expect(JSON.parse((await child).stdout).found).toBe(true);
    const failed = await run('npm', ['run', '--silent', 'cli', '--', 'compare', path.join(dir, 'missing'), source], { cwd: root }).catch((e) => e);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
