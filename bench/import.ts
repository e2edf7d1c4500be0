/**
 * Import benchmark: how long extraction takes for a 300-page PDF and a 1 MB EPUB, built
 * here from Moby-Dick (the shared corpus, read at run time from ../shared/corpus/): the
 * PDF printed by Chromium with one known page break every ~1,800 characters, the EPUB
 * with the book's chapters (twice, as two volumes, so the file passes 1 MB). Each is
 * read by importSource (the same code the import worker runs) three times; the median
 * goes into BENCHMARKS.md, with a check that a passage from a known page and chapter is
 * reported there.
 *
 *   npm run bench          (runs this after the engine and library benchmarks)
 *   tsx bench/import.ts    (this alone)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare } from '../src/core/compare.js';
import { importSource } from '../src/import/index.js';
import { whereAt } from '../src/import/where.js';
import { epubFile, escapeXml, printPdf } from '../tests/helpers/source-fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = path.resolve(root, '..', 'shared', 'corpus', 'moby-dick.txt');
if (!existsSync(corpusPath)) {
  console.error(`bench/import.ts needs ../shared/corpus/moby-dick.txt (looked at ${corpusPath}); it is missing, so nothing was measured.`);
  process.exit(1);
}
const book = readFileSync(corpusPath, 'utf8').replace(/\r\n?/g, '\n');
const paragraphs = book.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');

const PAGES = 300;
const CHARS_PER_PAGE = 1100;
/** short paragraphs (dialogue) take a line each: a page holds no more than these */
const PARAGRAPHS_PER_PAGE = 8;
const RUNS = 3;

/** 300 pages of the book, each a section printed on a page of its own (known breaks). */
function pdfPages(): string[][] {
  const pages: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const paragraph of paragraphs) {
    // a paragraph longer than a page is cut at a word before it spills over
    let rest = paragraph;
    while (rest !== '' && pages.length < PAGES) {
      const room = current.length >= PARAGRAPHS_PER_PAGE ? 0 : CHARS_PER_PAGE - size;
      const piece = rest.length <= room ? rest : rest.slice(0, Math.max(0, rest.lastIndexOf(' ', room)));
      if (piece === '') {
        pages.push(current);
        current = [];
        size = 0;
        continue;
      }
      current.push(piece);
      size += piece.length;
      rest = rest.slice(piece.length).trim();
      if (rest !== '') {
        pages.push(current);
        current = [];
        size = 0;
      }
    }
    if (pages.length >= PAGES) break;
  }
  return pages.slice(0, PAGES);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median wall time and CPU time (user + system) of RUNS runs: on a shared machine the CPU time is the steadier figure. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    result = await run();
    const used = process.cpuUsage(cpu);
    times.push(performance.now() - start);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpuTimes), result: result as T };
}

// the PDF
const pages = pdfPages();
const pdf = await printPdf(pages.map((page) => page.map((p) => `<p>${escapeXml(p)}</p>`).join('')));
const pdfRun = await timed(() => importSource({ bytes: pdf, fileName: 'moby-dick.pdf' }));
const pdfSource = pdfRun.result;
const probePage = 217;
const probe = (pages[probePage - 1] as string[]).join(' ').split(' ').slice(5, 35).join(' ');
const pdfComparison = compare(probe, pdfSource.text);
const pdfWhere = pdfComparison.span ? whereAt(pdfSource.where, pdfComparison.span.start) : undefined;
const pdfRight = pdfComparison.found && pdfWhere?.page === probePage;

// the EPUB: the book's chapters, twice (two volumes)
// the chapters proper start at the second "CHAPTER 1." (the first is in the table of contents)
const bodyStart = book.indexOf('CHAPTER 1. Loomings', book.indexOf('CHAPTER 1. Loomings') + 1);
const chapterTexts = book.slice(bodyStart).split(/\n(?=CHAPTER \d+\. )/);
const chapters = [1, 2].flatMap((volume) =>
  chapterTexts.map((text) => ({ title: `${volume === 1 ? '' : 'Vol. II, '}${(text.split('\n')[0] as string).trim()}`, text: text.split('\n').slice(1).join('\n') })),
);
const epub = epubFile('Moby-Dick; or, The Whale', chapters);
const epubRun = await timed(() => importSource({ bytes: epub, fileName: 'moby-dick.epub' }));
const epubSource = epubRun.result;
const probeChapter = chapters[41] as { title: string; text: string };
const epubProbe = probeChapter.text.replace(/\s+/g, ' ').trim().split(' ').slice(40, 70).join(' ');
const epubComparison = compare(epubProbe, epubSource.text);
const epubWhere = epubComparison.span ? whereAt(epubSource.where, epubComparison.span.start) : undefined;
const epubRight = epubComparison.found && epubWhere?.chapter === probeChapter.title;

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const section = `<!-- bench:import -->
## Importing sources: PDF and EPUB extraction

Command: \`npm run bench\` (\`bench/import.ts\`). Machine: ${machine}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${os.loadavg()[0]?.toFixed(1)} at the start (other work shares the two cores).

Built from Moby-Dick at run time: a PDF printed by Chromium, ${PAGES} A5 pages with a page break every ~${CHARS_PER_PAGE} characters; an EPUB 3 of the book's chapters twice over (two volumes). Each read by \`importSource\` ${RUNS} times in one process (the import worker runs the same code); the median.

| file | size | text extracted | pages / chapters | median wall ms | median CPU ms | where a probe passage is reported |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
| PDF (pdfjs-dist) | ${mb(pdf.length)} | ${pdfSource.text.length.toLocaleString('en')} chars | ${pdfSource.where.length} pages | ${pdfRun.ms.toFixed(0)} | ${pdfRun.cpuMs.toFixed(0)} | ${pdfRight ? `right: p. ${probePage}` : `WRONG: ${JSON.stringify(pdfWhere)} for p. ${probePage}`} |
| EPUB (fflate, linkedom) | ${mb(epub.length)} | ${epubSource.text.length.toLocaleString('en')} chars | ${epubSource.where.length} chapters | ${epubRun.ms.toFixed(0)} | ${epubRun.cpuMs.toFixed(0)} | ${epubRight ? `right: “${probeChapter.title}”` : `WRONG: ${JSON.stringify(epubWhere)} for “${probeChapter.title}”`} |

Targets:
- ${verdict(pdfRun.cpuMs <= 5000 && pdfSource.where.length === PAGES)}: a ${PAGES}-page PDF read in at most a few seconds (5 s of CPU), every page mapped (${(pdfRun.cpuMs / 1000).toFixed(1)} s of CPU, ${(pdfRun.ms / 1000).toFixed(1)} s of wall time on the shared machine; ${pdfSource.where.length} pages).
- ${verdict(epubRun.cpuMs <= 5000 && epub.length >= 1024 * 1024)}: a 1 MB EPUB read in at most a few seconds (${(epubRun.cpuMs / 1000).toFixed(1)} s of CPU, ${(epubRun.ms / 1000).toFixed(1)} s of wall time, for ${mb(epub.length)}).
- ${verdict(pdfRight && epubRight)}: the page and chapter a quotation stands in reported right.
<!-- /bench:import -->`;

const benchmarksPath = path.join(root, 'BENCHMARKS.md');
let document = existsSync(benchmarksPath) ? readFileSync(benchmarksPath, 'utf8') : '# Benchmarks\n';
if (document.includes('<!-- bench:import -->')) document = document.replace(/<!-- bench:import -->[\s\S]*?<!-- \/bench:import -->/, section);
else document = `${document.trimEnd()}\n\n${section}\n`;
writeFileSync(benchmarksPath, document);
console.log(section);
