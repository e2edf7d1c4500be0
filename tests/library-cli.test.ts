/**
 * `library add`, `library reindex` and `find` as a user runs them, in process through
 * runCli (the function the `elision` program runs): standard output not a terminal
 * (plain progress lines), and a terminal's (the progress bar).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as runCli } from './helpers/cli.js';
import { builtInSource } from './helpers/generated-library.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elision-library-cli-'));
const db = path.join(dir, 'data', 'library.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

write('books/Origin of Species.txt', builtInSource('darwin-eye'));
write('books/plays/Hamlet.txt', builtInSource('hamlet-yorick'));
write('books/broken.pdf', '%PDF-1.4 this is not really a PDF');
write('books/.hidden.txt', 'a hidden file is not added');
write('books/picture.png', 'not a text');

/** The CLI in process, on a library of its own. */
async function cli(args: string[], dbFile = db, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return runCli(args, { env: { ELISION_DB: dbFile, ...env } });
}

describe('library add', () => {
  it('adds a folder recursively with a plain line per file when not a terminal, then a summary; a second run finds everything already there', async () => {
    const first = await cli(['library', 'add', path.join(dir, 'books'), path.join(dir, 'missing.txt')]);
    expect(first.code).toBe(1);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `[1/3] ${path.join(dir, 'books', 'Origin of Species.txt')}: added`,
      expect.stringMatching(/^\[2\/3\] .*broken\.pdf: refused: .+/),
      `[3/3] ${path.join(dir, 'books', 'plays', 'Hamlet.txt')}: added`,
    ]);
    expect(lines[3]).toBe('Added 2, already there 0, refused 2.');
    expect(lines[4]).toBe(`  refused ${path.join(dir, 'missing.txt')}: no such file or folder`);
    expect(lines[5]).toMatch(/^ {2}refused .*broken\.pdf: /);
    expect(first.stdout).not.toContain('\r');
    expect(first.stderr).toBe('');

    const second = await cli(['library', 'add', path.join(dir, 'books', 'Origin of Species.txt'), path.join(dir, 'books', 'plays')]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(': already there\n');
    expect(second.stdout).toContain('Added 0, already there 2, refused 0.\n');

    const list = JSON.parse((await cli(['library', 'list', '--format', 'json'])).stdout) as Array<{ title: string }>;
    // titled by the file name without its extension
    expect(list.map((s) => s.title)).toEqual(['Hamlet', 'Origin of Species']);
  }, 120_000);

  it('finds a quotation in what was added, as JSON in the documented shape and as text', async () => {
    const quote = write('quote.txt', 'Alas, poor Yorick! I knew him, Horatio; a fellow of infinite jest');
    const json = await cli(['find', quote, '--format', 'json']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.searched).toEqual({ sources: 2, characters: builtInSource('darwin-eye').length + builtInSource('hamlet-yorick').length });
    expect(result.results[0]).toMatchObject({ title: 'Hamlet', rating: 'verbatim', comparison: { version: 1, found: true, verdict: { rating: 'verbatim' } } });
    expect(typeof result.results[0].sourceId).toBe('number');
    const text = await cli(['find', quote]);
    expect(text.stdout).toMatch(/^Verbatim in Hamlet\.\n/);
    expect(text.stdout).toContain('Searched 2 sources');

    const reindex = await cli(['library', 'reindex']);
    expect(reindex.stdout).toBe(`Reindexed 2 sources, ${result.searched.characters.toLocaleString('en')} characters.\n`);
  }, 120_000);

  it('says what is wrong in one line with exit 2: too short a quotation, an empty library, a missing argument', async () => {
    const short = await cli(['find', write('short.txt', 'Yorick')]);
    expect(short).toMatchObject({ code: 2, stdout: '' });
    expect(short.stderr).toMatch(/^elision: The quotation has one word: give at least 4 words to search the library for\.\n$/);
    const empty = await cli(['find', write('long.txt', 'a fellow of infinite jest')], path.join(dir, 'empty.db'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^elision: The library is empty/);
    const nothing = await cli(['library', 'add']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe('elision: library add needs at least one file, folder or address.\n');
  }, 120_000);
});

describe('library add with an address', () => {
  it('fetches a page (loopback allowed only when asked), titled by the page, and refuses a loopback address otherwise', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Walden</title></head><body><nav>Menu</nav><article><h1>Where I Lived</h1><p>I went to the woods because I wished to live deliberately, to front only the essential facts of life, and see if I could not learn what it had to teach.</p><p>I did not wish to live what was not life, living is so dear.</p></article></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/books/walden.html`;
    try {
      const dbFile = path.join(dir, 'address.db');
      const refused = await cli(['library', 'add', address], dbFile);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/refused: .*loopback/);
      const added = await cli(['library', 'add', address], dbFile, { ELISION_FETCH_ALLOW_PRIVATE: '1' });
      expect(added.code).toBe(0);
      expect(added.stdout).toContain(`[1/1] ${address}: added`);
      const list = JSON.parse((await cli(['library', 'list', '--format', 'json'], dbFile)).stdout) as Array<{ title: string }>;
      expect(list.map((s) => s.title)).toEqual(['Walden']);
    } finally {
      server.close();
    }
  });
});

describe('the progress bar on a terminal', () => {
  it('is redrawn in place on standard error and cleared, leaving the summary alone on standard output', async () => {
    const { code, stdout: out, stderr: err } = await runCli(['library', 'add', path.join(dir, 'books', 'plays'), path.join(dir, 'books', 'Origin of Species.txt')], {
      tty: true,
      columns: 100,
      env: { ELISION_DB: path.join(dir, 'tty.db') },
    });
    expect(code).toBe(0);
    expect(out).toBe('Added 2, already there 0, refused 0.\n');
    expect(err).toContain('\r\x1b[KAdding [');
    expect(err).toMatch(/\] 2\/2 /);
    expect(err.endsWith('\r\x1b[K')).toBe(true);
  });
});
