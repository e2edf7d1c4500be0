/**
 * The command line, as docs/contract.md fixes it: in process through runCli (the whole
 * CLI is that one function) for the many cases, and one smoke test of the real program
 * through `npm run --silent cli`, exactly as outside checks call it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

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
  it('prints the contract’s comparison as JSON and exits 0', async () => {
    const result = await cli(['compare', quote, source, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const comparison = JSON.parse(result.stdout);
    expect(comparison).toMatchObject({ version: 1, found: true, stats: { markedOmissions: 1, silentOmissions: 0 } });
    expect(Object.keys(comparison)).toEqual(expect.arrayContaining(['version', 'found', 'span', 'fragments', 'segments', 'stats']));
  });

  it('exits 0 with found: false when the quotation is not in the source', async () => {
    const other = file('other.txt', 'Nothing of the kind appears anywhere here');
    const result = await cli(['compare', other, source, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).found).toBe(false);
  });

  it('prints a readable text form by default, coloured only when asked or on a terminal', async () => {
    const plain = await cli(['compare', quote, source]);
    expect(plain.stdout).toContain('[-it was the worst of times, it was the age of wisdom,-]');
    expect(plain.stdout).toContain('1 marked omission');
    expect(plain.stdout).not.toContain('\x1b[');
    expect((await cli(['compare', quote, source], { tty: true })).stdout).toContain('\x1b[');
    expect((await cli(['compare', quote, source, '--color'])).stdout).toContain('\x1b[');
    expect((await cli(['compare', quote, source, '--no-color'], { tty: true })).stdout).not.toContain('\x1b[');
  });

  it('renders every export format from the registry', async () => {
    for (const format of ['html', 'md', 'tei', 'jsonld', 'csv', 'claimreview', 'restored']) {
      const result = await cli(['compare', quote, source, '--format', format]);
      expect(result.code, format).toBe(0);
      expect(result.stdout.length, format).toBeGreaterThan(20);
    }
  });

  it('takes context in sentences or words', async () => {
    const result = await cli(['compare', quote, source, '--format', 'json', '--context-words', '0']);
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
    ['two standard inputs', ['compare', '-', '-'], /Only one of the two/],
    ['a standard input that is not there', ['compare', '-', source], /no standard input/],
  ])('refuses %s with one line on stderr and exit 2', async (_name, args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('reads standard input for "-", the quotation or the source', async () => {
    const fromStdin = await cli(['compare', '-', source, '--format', 'json'], { stdin: 'the age of wisdom' });
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout).found).toBe(true);
    const sourceFromStdin = await cli(['compare', quote, '-', '--format', 'json'], { stdin: Buffer.from(`\ufeff${readFileSync(source, 'utf8')}`) });
    expect(JSON.parse(sourceFromStdin.stdout).stats.markedOmissions).toBe(1);
    const notUtf8 = await cli(['compare', quote, '-'], { stdin: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
    expect(notUtf8).toEqual({ code: 2, stdout: '', stderr: 'elision: The source file "-" is not UTF-8 text.\n' });
  });

  it('reads relative file names from the folder it is given', async () => {
    const result = await cli(['compare', 'quote.txt', 'source.txt', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).found).toBe(true);
  });

  it('prints its usage on --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: elision compare QUOTE_FILE SOURCE/);
    expect(help.stdout).toContain('claimreview');
  });
});

describe('the elision program (one smoke test of the real process)', () => {
  it('runs as docs/contract.md calls it: a comparison read from "-" on standard output; bad input exit 2 with one line and no stack trace; a closed pipe ends it quietly', async () => {
    const npm = (args: string[], stdin?: string) => {
      const child = run('npm', ['run', '--silent', 'cli', '--', ...args], { cwd: root, timeout: 60_000 });
      child.child.stdin!.end(stdin ?? '');
      return child.then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    };
    // a reader that stops after the first bytes (`| head -c 100`): the program ends quietly
    const closedEarly = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'cli', '--', 'compare', quote, file('long.txt', 'It was the best of times, it was the worst of times. '.repeat(20_000)), '--format', 'json', '--context', '9999'], { cwd: root });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    const [text, failed, early] = await Promise.all([
      npm(['compare', '-', source], readFileSync(quote, 'utf8')),
      npm(['compare', path.join(dir, 'missing'), source]),
      closedEarly,
    ]);
    expect(early, 'no stack trace when the reader closes the pipe').toEqual({ code: 0, stderr: '' });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('[-it was the worst of times, it was the age of wisdom,-]');
    expect(text.stdout).toContain('\nVerdict: ');
    expect(text.stdout, 'no colour when standard output is a pipe').not.toContain('\x1b[');
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^elision: Cannot read the quotation file ".*missing": no such file\.\n$/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
