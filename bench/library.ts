/**
 * The library benchmark: a library of LIBRARY_BENCH_SOURCES sources (default 1,000)
 * and LIBRARY_BENCH_CHARS characters (default 100 million) of generated text that does
 * not repeat (a seeded word-level Markov chain over the first 75 % of Moby-Dick, read at
 * run time from ../shared/corpus/), with real passages of the book's last 25 % (never
 * seen by the chain) planted in known sources. It measures the index build (each
 * source added through the library's own add, one transaction each, as `library add`
 * does), the index's size against the texts', and find() for quotations of 10, 40 and
 * 120 words: verbatim, noisy, cut with ellipses, cut silently, and fabricated (real prose
 * of the held-out chapters that is in no source). Figures go into BENCHMARKS.md.
 *
 *   npm run bench                       (runs the engine's benchmark, then this one)
 *   npx tsx bench/library.ts            (this one alone; LIBRARY_BENCH_CHARS=10000000 for a quick run)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openCaseStore } from '../src/store/case-store.js';
import { findInLibrary } from '../src/library/find.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// ../shared/corpus next to the repository; BENCH_CORPUS points elsewhere (a worktree has no such neighbour)
const corpusPath = process.env.BENCH_CORPUS || path.resolve(root, '..', 'shared', 'corpus', 'moby-dick.txt');
if (!existsSync(corpusPath)) {
  console.log(`The library benchmark needs ../shared/corpus/moby-dick.txt (looked at ${corpusPath}); it is missing, so the library was not measured.`);
  process.exit(0);
}
const TOTAL_CHARS = Number(process.env.LIBRARY_BENCH_CHARS || 100_000_000);
const SOURCES = Number(process.env.LIBRARY_BENCH_SOURCES || 1000);
const PER_KIND = Number(process.env.LIBRARY_BENCH_QUOTES || 20);

/** mulberry32: seeded, so every run builds the same library. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The book as words with their punctuation (split at white space), in two parts.
const book = readFileSync(corpusPath, 'utf8');
const bookWords = book.split(/\s+/).filter((w) => w !== '');
const trainEnd = Math.floor(bookWords.length * 0.75);
const training = bookWords.slice(0, trainEnd);
const held = bookWords.slice(trainEnd);

// A first-order chain: each word's successors as one array (with repeats: the frequencies).
const ids = new Map<string, number>();
const vocab: string[] = [];
const idOf = (w: string) => {
  let id = ids.get(w);
  if (id === undefined) {
    id = vocab.length;
    ids.set(w, id);
    vocab.push(w);
  }
  return id;
};
const sequence = Int32Array.from(training, idOf);
const successors: number[][] = vocab.map(() => []);
for (let i = 0; i + 1 < sequence.length; i++) successors[sequence[i]!]!.push(sequence[i + 1]!);

function markov(random: () => number, chars: number): string {
  const out: string[] = [];
  let length = 0;
  let current = sequence[Math.floor(random() * sequence.length)]!;
  while (length < chars) {
    const word = vocab[current]!;
    out.push(word);
    length += word.length + 1;
    const next = successors[current]!;
    current = next.length > 0 ? next[Math.floor(random() * next.length)]! : sequence[Math.floor(random() * sequence.length)]!;
    // a paragraph now and then
    if (/[.!?]$/.test(word) && random() < 0.15) out.push('\n\n');
  }
  return out.join(' ').replace(/ ?\n\n ?/g, '\n\n');
}

const random = seeded(1851);
const dir = mkdtempSync(path.join(os.tmpdir(), 'elision-library-bench-'));
const dbFile = path.join(dir, 'library.db');
const store = await openCaseStore(dbFile);
const library = store.library;

// Planted passages: 200 words of the held-out chapters, one in each of the first sources that get one.
const PASSAGE_WORDS = 160;
const kinds = ['verbatim', 'noisy', 'cut with ellipses', 'cut silently'] as const;
const lengths = [10, 40, 120] as const;
const plantsNeeded = kinds.length * lengths.length * PER_KIND;
const plantEvery = Math.max(1, Math.floor(SOURCES / plantsNeeded));
interface Plant { sourceId: number; words: string[] }
const plants: Plant[] = [];

console.log(`Building ${SOURCES.toLocaleString('en')} sources, ${TOTAL_CHARS.toLocaleString('en')} characters (Markov text over Moby-Dick) …`);
const perSource = Math.floor(TOTAL_CHARS / SOURCES);
let addSeconds = 0;
let generatedChars = 0;
let heldAt = 0;
for (let i = 0; i < SOURCES; i++) {
  let text = markov(random, perSource);
  let planted: string[] | undefined;
  if (i % plantEvery === 0 && plants.length < plantsNeeded && heldAt + PASSAGE_WORDS < held.length) {
    planted = held.slice(heldAt, heldAt + PASSAGE_WORDS);
    heldAt += PASSAGE_WORDS + 7;
    const at = text.indexOf('\n\n', Math.floor(text.length * random())) ;
    const cut = at < 0 ? text.length : at;
    text = `${text.slice(0, cut)}\n\n${planted.join(' ')}\n\n${text.slice(cut)}`;
  }
  generatedChars += text.length;
  const started = performance.now();
  const { source } = await library.add({ text, title: `Generated volume ${i + 1}`, citation: { author: `Author ${i % 37}`, work: `Generated volume ${i + 1}` } });
  addSeconds += (performance.now() - started) / 1000;
  if (planted) plants.push({ sourceId: source.id, words: planted });
  if ((i + 1) % 100 === 0) console.log(`  ${i + 1} sources, ${(generatedChars / 1e6).toFixed(0)} M characters, ${(generatedChars / 1e6 / addSeconds).toFixed(2)} MB/s so far`);
}

// Sizes from SQLite's own page accounting.
const db = new Database(dbFile, { readonly: true });
let sizes: Array<{ name: string; bytes: number }>;
try {
  sizes = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>;
} catch {
  sizes = [];
}
db.close();
const sizeOf = (test: (name: string) => boolean) => sizes.filter((s) => test(s.name)).reduce((a, s) => a + s.bytes, 0);
const indexBytes = sizeOf((n) => n.startsWith('library_index') || n.startsWith('library_passages'));
const textBytes = sizeOf((n) => n === 'library_sources' || n.startsWith('sqlite_autoindex_library_sources'));
const rawTextBytes = generatedChars; // ASCII-heavy: about one byte a character

// Quotations.
function noisy(words: string[]): string {
  return words
    .map((w, i) => (i === 0 ? w.toUpperCase() : w))
    .join(' ')
    .replace(/'/g, '’')
    .replace(/"/g, '“')
    .replace(/--/g, '—')
    .replace(/(\w{4})(\w{4,})/, '$1-\n$2');
}
function quoteOf(kind: (typeof kinds)[number], words: string[], length: number): string {
  if (kind === 'verbatim') return words.slice(0, length).join(' ');
  if (kind === 'noisy') return noisy(words.slice(0, length));
  const half = Math.floor(length / 2);
  const gap = Math.max(4, Math.floor(length / 4));
  const first = words.slice(0, half).join(' ');
  const second = words.slice(half + gap, length + gap).join(' ');
  return kind === 'cut with ellipses' ? `${first} … ${second}` : `${first} ${second}`;
}

interface Row { length: number; kind: string; times: number[]; cpu: number[]; first: number; total: number; note: string }
const rows: Row[] = [];
let plantIndex = 0;
let unplantedAt = heldAt;
// wall time, and this process's CPU time (on a shared machine, wall time also counts waiting for a core)
const timeFind = async (quote: string) => {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = await findInLibrary(library, quote);
  const cpu = process.cpuUsage(cpuStart);
  return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, result };
};
// warm the statement cache and the engine once
await timeFind(quoteOf('verbatim', plants[0]!.words, 40));
for (const length of lengths) {
  for (const kind of kinds) {
    const row: Row = { length, kind, times: [], cpu: [], first: 0, total: 0, note: '' };
    for (let n = 0; n < PER_KIND && plantIndex < plants.length; n++) {
      const plant = plants[plantIndex++]!;
      const { ms, cpuMs, result } = await timeFind(quoteOf(kind, plant.words, length));
      row.times.push(ms);
      row.cpu.push(cpuMs);
      row.total++;
      if (result.results[0]?.sourceId === plant.sourceId && result.found) row.first++;
    }
    rows.push(row);
  }
  const fabricated: Row = { length, kind: 'fabricated', times: [], cpu: [], first: 0, total: 0, note: '' };
  for (let n = 0; n < PER_KIND; n++) {
    // real prose in no source: the held-out chapters past the planted passages
    const words = held.slice(unplantedAt, unplantedAt + length);
    unplantedAt += length + 3;
    const { ms, cpuMs, result } = await timeFind(words.join(' '));
    fabricated.times.push(ms);
    fabricated.cpu.push(cpuMs);
    fabricated.total++;
    if (!result.found) fabricated.first++;
  }
  rows.push(fabricated);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const buildRate = generatedChars / 1e6 / addSeconds;
const allPlantedFirst = rows.filter((r) => r.kind !== 'fabricated').every((r) => r.first === r.total);
const noneFabricatedFound = rows.filter((r) => r.kind === 'fabricated').every((r) => r.first === r.total);
const forty = rows.filter((r) => r.length === 40).flatMap((r) => r.times);
const fortyMedian = percentile(forty, 50);
const fortyP99 = percentile(forty, 99);
const fortyCpu = rows.filter((r) => r.length === 40).flatMap((r) => r.cpu);
const fortyCpuMedian = percentile(fortyCpu, 50);
const fortyCpuP99 = percentile(fortyCpu, 99);

const cpu = os.cpus()[0]?.model.replace(/\s+\d+-Core Processor$/, '').replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const table = [
  '| words | quotation | finds | median ms | p99 ms | CPU median ms | CPU p99 ms | right answer |',
  '| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...rows.map((r) => `| ${r.length} | ${r.kind} | ${r.total} | ${fmt(percentile(r.times, 50))} | ${fmt(percentile(r.times, 99))} | ${fmt(percentile(r.cpu, 50))} | ${fmt(percentile(r.cpu, 99))} | ${r.kind === 'fabricated' ? `${r.first}/${r.total} "not in the library"` : `${r.first}/${r.total} planted source first`} |`),
].join('\n');
const section = `<!-- bench:library -->
## The library: find the source

Command: \`npm run bench\` (bench/library.ts${TOTAL_CHARS !== 100_000_000 || SOURCES !== 1000 ? `, LIBRARY_BENCH_CHARS=${TOTAL_CHARS}, LIBRARY_BENCH_SOURCES=${SOURCES}` : ''}). Machine: ${machine}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${os.loadavg()[0]!.toFixed(1)} at the end (the machine's 2 cores are shared).

A library of ${SOURCES.toLocaleString('en')} sources and ${generatedChars.toLocaleString('en')} characters: text from a seeded first-order word-level Markov chain over the first 75 % of Moby-Dick (read at run time), no two sources alike, with ${plants.length} real passages of ${PASSAGE_WORDS} words from the book's last 25 % (which the chain never saw) planted in known sources. Each source is added as \`library add\` adds it: its own transaction (text, row, passages and index, \`synchronous=FULL\`). Quotations are taken from the planted passages: verbatim; noisy (first word upper-cased, curly quotes and dashes, a hyphen at a line break inside a word); cut with an ellipsis (two halves with a gap of a quarter of the length between them); cut silently (the same without the ellipsis); and fabricated (real prose of the held-out chapters that is in no source, which must come out "not in the library"). "Right answer": the planted source first and the quotation found (its rating not \`not-found\` or \`partly-found\`).

- Index build: ${buildRate.toFixed(2)} MB/s (${addSeconds.toFixed(0)} s for ${(generatedChars / 1e6).toFixed(0)} M characters, tokenizing, hashing the word pairs, writing the text and the FTS5 index).
- Sizes: index ${(indexBytes / 1e6).toFixed(1)} MB (FTS5 data and passage table) against texts ${(textBytes / 1e6).toFixed(1)} MB as stored (${(rawTextBytes / 1e6).toFixed(1)} M characters): ${(indexBytes / Math.max(textBytes, 1) * 100).toFixed(0)} % of the texts.

${table}

Targets:
- ${verdict(allPlantedFirst)}: the planted source first for every planted quotation.
- ${verdict(noneFabricatedFound)}: every fabricated quotation "not in the library".
- ${verdict(fortyMedian < 50 && fortyP99 < 200)}: a 40-word quotation found in a median under 50 ms and a p99 under 200 ms (all 40-word finds: median ${fmt(fortyMedian)} ms, p99 ${fmt(fortyP99)} ms wall time; CPU time, which waiting for a shared core does not inflate: median ${fmt(fortyCpuMedian)} ms, p99 ${fmt(fortyCpuP99)} ms${fortyCpuMedian < 50 && fortyCpuP99 < 200 ? ', within the targets' : ''}).
- ${verdict(indexBytes <= textBytes)}: the index no larger than the texts (${(indexBytes / Math.max(textBytes, 1) * 100).toFixed(0)} %).
<!-- /bench:library -->`;

const benchmarksPath = path.join(root, 'BENCHMARKS.md');
let document = existsSync(benchmarksPath) ? readFileSync(benchmarksPath, 'utf8') : '# Benchmarks\n';
if (document.includes('<!-- bench:library -->')) document = document.replace(/<!-- bench:library -->[\s\S]*?<!-- \/bench:library -->/, section);
else document = `${document.trimEnd()}\n\n${section}\n`;
writeFileSync(benchmarksPath, document);
console.log(section);
