/**
 * The engine benchmark: compare() on a 120-word quotation cut into three fragments
 * (verbatim, and with typographic noise and one changed word) against windows of
 * Moby-Dick of 2 KB, 20 KB, 200 KB and the whole book, cold (source never seen) and
 * warm (the same source again), with two references measured in the same run: the
 * floor (lower-casing the source and splitting it into words with a regex) and a naive
 * diffWords(quote, source). Medians of repeated runs; the table goes into BENCHMARKS.md.
 *
 *   npm run bench            (BENCH_QUICK=1 for fewer repetitions)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { diffWords } from 'diff';
import { compare, forgetPreparedSources } from '../src/core/compare.js';
import { tokenize } from '../src/core/text.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = path.resolve(root, '..', 'shared', 'corpus', 'moby-dick.txt');
if (!existsSync(corpusPath)) {
  console.error(`The benchmark needs ../shared/corpus/moby-dick.txt (looked at ${corpusPath}); it is missing, so nothing was measured.`);
  process.exit(1);
}
const book = readFileSync(corpusPath, 'utf8');
const quick = process.env.BENCH_QUICK === '1';

// The quoted passage: 150 words from the middle of the book, cut into three fragments
// of 40 words with two cuts of 15 words.
const words = tokenize(book);
const first = Math.floor(words.count * 0.55);
const wordAt = (i: number) => ({ start: words.starts[i]!, end: words.ends[i]! });
const piece = (from: number, to: number) => book.slice(wordAt(from).start, wordAt(to - 1).end);
const fragments = [piece(first, first + 40), piece(first + 55, first + 95), piece(first + 110, first + 150)];
const verbatimQuote = fragments.join(' … ');
const expectedSpan = { start: wordAt(first).start, end: wordAt(first + 149).end };

/** Straight quotes, upper case here and there, doubled spaces, and one word changed. */
function noisy(quote: string): string {
  const changed = quote.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/—/g, '--').replace(/ /g, '  ');
  const ws = changed.split(/(\s+)/);
  for (let i = 0; i < ws.length; i += 14) ws[i] = ws[i]!.toUpperCase();
  const target = ws.findIndex((w, i) => i > 40 && /^[a-z]{5,}$/.test(w));
  ws[target] = 'zanzibar';
  return ws.join('');
}
const noisyQuote = noisy(verbatimQuote);

function windowOf(size: number): { text: string; offset: number } {
  if (size >= book.length) return { text: book, offset: 0 };
  const middle = Math.floor((expectedSpan.start + expectedSpan.end) / 2);
  const start = Math.max(0, Math.min(book.length - size, middle - Math.floor(size / 2)));
  return { text: book.slice(start, start + size), offset: start };
}

function median(samples: number[]): number {
  const sorted = samples.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time(fn: () => void, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const floor = (text: string) => text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu)?.length ?? 0;

/** Where the naive diff puts the quotation: from its first to its last unchanged stretch in the source. */
function naiveSpan(quote: string, source: string): { start: number; end: number } | null {
  let offset = 0;
  let start = -1;
  let end = -1;
  for (const change of diffWords(source, quote)) {
    if (!change.added) {
      if (!change.removed && change.value.trim() !== '') {
        if (start < 0) start = offset;
        end = offset + change.value.length;
      }
      offset += change.value.length;
    }
  }
  return start < 0 ? null : { start, end };
}

const sizes = [
  { label: '2 KB', size: 2 * 1024 },
  { label: '20 KB', size: 20 * 1024 },
  { label: '200 KB', size: 200 * 1024 },
  { label: `whole book (${(book.length / 1e6).toFixed(2)} M chars)`, size: book.length },
];

interface Row {
  label: string;
  chars: number;
  floor: number;
  coldVerbatim: number;
  coldNoisy: number;
  coldWhole: number;
  warmVerbatim: number;
  warmNoisy: number;
  naive: number | null;
  ourRight: boolean;
  naiveRight: string;
}

// Warm the JIT on every path first, so the first window measured is not the one that pays for it.
{
  const sample = windowOf(20 * 1024).text;
  for (let i = 0; i < 50; i++) {
    forgetPreparedSources();
    compare(noisyQuote, sample);
    compare(verbatimQuote, sample);
    floor(sample);
  }
}

const rows: Row[] = [];
for (const { label, size } of sizes) {
  const { text, offset } = windowOf(size);
  const runs = quick ? 5 : size > 500_000 ? 15 : 31;
  // warm up the JIT on this size
  floor(text);
  forgetPreparedSources();
  compare(verbatimQuote, text);

  const floorMs = time(() => floor(text), runs);
  const cold = (quote: string) => time(() => {
    forgetPreparedSources();
    compare(quote, text);
  }, runs);
  const coldVerbatim = cold(verbatimQuote);
  const coldNoisy = cold(noisyQuote);
  // the same, with the quick search for rare words turned off: every word of the source read
  const coldWhole = time(() => {
    forgetPreparedSources();
    compare(noisyQuote, text, { quickLocateAbove: Number.POSITIVE_INFINITY });
  }, runs);
  forgetPreparedSources();
  compare(verbatimQuote, text);
  const warmVerbatim = time(() => compare(verbatimQuote, text), runs * 2);
  const warmNoisy = time(() => compare(noisyQuote, text), runs * 2);

  const ours = compare(noisyQuote, text);
  const expected = { start: expectedSpan.start - offset, end: expectedSpan.end - offset };
  const ourRight = ours.span?.start === expected.start && ours.span?.end === expected.end
    && ours.stats.markedOmissions === 2 && ours.stats.silentOmissions === 0 && ours.stats.alterations === 1;

  // The naive diff is slow: fewer runs, and on the whole book only when asked.
  let naive: number | null = null;
  let naiveRight = 'not run';
  if (size <= 250_000 || process.env.BENCH_NAIVE_BOOK === '1' || !quick) {
    const naiveRuns = size > 500_000 ? 1 : size > 100_000 ? 3 : 7;
    naive = time(() => diffWords(text, noisyQuote), naiveRuns);
    const span = naiveSpan(noisyQuote, text);
    naiveRight = span && span.start === expected.start && span.end === expected.end
      ? 'right'
      : span ? `wrong: spread over ${((span.end - span.start) / 1024).toFixed(1)} KB (the passage is ${((expected.end - expected.start) / 1024).toFixed(1)} KB)` : 'wrong: nothing';
  }
  rows.push({ label, chars: text.length, floor: floorMs, coldVerbatim, coldNoisy, coldWhole, warmVerbatim, warmNoisy, naive, ourRight, naiveRight });
  console.error(`${label}: floor ${floorMs.toFixed(2)} ms, cold ${coldVerbatim.toFixed(2)}/${coldNoisy.toFixed(2)} ms, whole ${coldWhole.toFixed(2)} ms, warm ${warmVerbatim.toFixed(2)}/${warmNoisy.toFixed(2)} ms, naive ${naive?.toFixed(0) ?? '-'} ms`);
}

const fmt = (ms: number | null) => (ms === null ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const whole = rows[rows.length - 1]!;
const r200 = rows[2]!;
const coldRatio = whole.coldNoisy / whole.floor;
const wholeRatio = whole.coldWhole / whole.floor;
const linear = rows.map((r) => r.coldWhole / r.chars * 1e6);
const speedup200 = r200.naive ? r200.naive / r200.coldNoisy : NaN;
const warmSpeedup200 = r200.naive ? r200.naive / r200.warmNoisy : NaN;
const wholeSpeedup200 = r200.naive ? r200.naive / r200.coldWhole : NaN;
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;

const table = [
  '| source | chars | floor ms | cold, verbatim | cold, noisy | cold, noisy, whole source read | warm, verbatim | warm, noisy | naive diffWords ms | ours right? | naive |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map((r) => `| ${r.label} | ${r.chars.toLocaleString('en')} | ${fmt(r.floor)} | ${fmt(r.coldVerbatim)} | ${fmt(r.coldNoisy)} | ${fmt(r.coldWhole)} | ${fmt(r.warmVerbatim)} | ${fmt(r.warmNoisy)} | ${fmt(r.naive)} | ${r.ourRight ? 'right' : 'WRONG'} | ${r.naiveRight} |`),
].join('\n');

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const section = `<!-- bench:engine -->
## The engine: compare()

Command: \`npm run bench\`${quick ? ' (BENCH_QUICK=1)' : ''}. Machine: ${machine}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.

A 120-word quotation (three 40-word fragments of Moby-Dick joined by "…", with two 15-word cuts) against windows of the book centred on it. "Noisy": straight quotes for curly ones, \`--\` for dashes, doubled spaces, upper case here and there, and one word changed. Cold: the source never seen (its prepared form dropped before each run); a first-seen source of 100,000 characters or more is first searched for a few rare words of each fragment and only that stretch is cut into words (falling back to the whole source whenever that could change the answer). "Whole source read" turns that search off: every word of the source is read, the cost of any quotation the search cannot place. Warm: the same source again (prepared whole, cached by its text, indexed from its second use). Floor: \`source.toLowerCase().match(/[\\p{L}\\p{M}\\p{N}]+/gu)\`. All times are medians in milliseconds, measured in the same run.

${table}

Targets:
- ${verdict(wholeRatio <= 1.5)}: a cold comparison of the whole book in at most 1.5× the floor's time, even reading every word (${wholeRatio.toFixed(2)}×: ${fmt(whole.coldWhole)} ms against ${fmt(whole.floor)} ms; with the quick search ${coldRatio.toFixed(2)}×, ${fmt(whole.coldNoisy)} ms).
- ${verdict(whole.warmNoisy < 10)}: a warm comparison under 10 ms (${fmt(whole.warmNoisy)} ms on the whole book).
- ${verdict(linear[3]! <= linear[2]! * 1.5)}: cost no worse than linear in the source's size (cold, whole source read, per million characters: ${linear.map((x) => x.toFixed(0)).join(', ')} ms; the small windows carry the fixed cost of the quotation's own work).
- ${verdict(speedup200 >= 100 && warmSpeedup200 >= 100)}${wholeSpeedup200 >= 100 ? '' : ' (cold with the quick search, and warm)'}: at least 100× faster than the naive diff on the 200 KB window (cold ${speedup200.toFixed(0)}×, warm ${warmSpeedup200.toFixed(0)}×; reading every word cold, ${wholeSpeedup200.toFixed(0)}×), and right where it is wrong (ours: ${rows.every((r) => r.ourRight) ? 'right on every window' : 'WRONG somewhere'}; naive on 200 KB: ${r200.naiveRight}).
<!-- /bench:engine -->`;

const benchmarksPath = path.join(root, 'BENCHMARKS.md');
let document = existsSync(benchmarksPath) ? readFileSync(benchmarksPath, 'utf8') : '# Benchmarks\n';
if (document.includes('<!-- bench:engine -->')) {
  document = document.replace(/<!-- bench:engine -->[\s\S]*?<!-- \/bench:engine -->/, section);
} else {
  document = document.replace(/^# Benchmarks\n/, `# Benchmarks\n\n${section}\n`);
}
writeFileSync(benchmarksPath, document);
console.log(section);
