/**
 * The web fonts Elision ships, from npm (@fontsource-variable, SIL Open Font License):
 * Noto Serif for Latin, Greek and Cyrillic, Noto Serif SC, TC and JP for Chinese and
 * Japanese. A browser with few fonts of its own (the bundled headless Chromium has only
 * Open Sans) still shows every character of a case in pages and PDFs.
 *
 * Each font is cut into unicode-range subsets (woff2, one variable file a subset for
 * every weight), so a page downloads only the pieces that hold its characters: an
 * English page on a machine with Georgia none, a Chinese quotation a few of the ~330
 * CJK pieces. The pages get the @font-face rules from /static/fonts.css; the PDF
 * export gets the same rules pointing at an address its renderer answers from disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface FontPackage {
  name: string;
  /** The package's stylesheets to take @font-face rules from. */
  stylesheets: string[];
}

const FONT_PACKAGES: FontPackage[] = [
  { name: '@fontsource-variable/noto-serif', stylesheets: ['wght.css', 'wght-italic.css'] },
  { name: '@fontsource-variable/noto-serif-sc', stylesheets: ['wght.css'] },
  { name: '@fontsource-variable/noto-serif-tc', stylesheets: ['wght.css'] },
  { name: '@fontsource-variable/noto-serif-jp', stylesheets: ['wght.css'] },
];

/**
 * The families the stylesheets name, in the order a font stack should try them: Latin,
 * Greek and Cyrillic first, then Simplified Chinese, Traditional Chinese (rare
 * characters the SC cut lacks), Japanese (kana and Japanese forms).
 */
export const WEB_FONT_FAMILIES = ['Noto Serif Variable', 'Noto Serif SC Variable', 'Noto Serif TC Variable', 'Noto Serif JP Variable'];

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** A font file's name as the stylesheets give it: nothing that could climb out of a folder. */
const FONT_FILE_NAME = /^[a-z0-9][a-z0-9-]*\.woff2$/;

interface FontFace {
  family: string;
  style: string;
  weight: string;
  file: string;
  /** Inclusive code point ranges, sorted. */
  ranges: Array<[number, number]>;
}

let faces: FontFace[] | undefined;
let filesByName: Map<string, string> | undefined;

/**
 * Reads the packages' @font-face rules once. A face keeps only the code points that no
 * font earlier in the stack covers (the browser would never ask it for the others): the
 * Traditional Chinese and Japanese cuts then add their own characters and a few dozen
 * small rules instead of 230 large ones, and /static/fonts.css stays small.
 */
function load(): { faces: FontFace[]; files: Map<string, string> } {
  if (faces && filesByName) return { faces, files: filesByName };
  const kept: FontFace[] = [];
  const files = new Map<string, string>();
  const covered = new Set<number>();
  for (const font of FONT_PACKAGES) {
    const dir = packageDir(font.name);
    const coveredByThisFont = new Set<number>();
    for (const sheet of font.stylesheets) {
      const css = readFileSync(path.join(dir, sheet), 'utf8');
      for (const [, body] of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
        const field = (name: string) => new RegExp(`${name}:\\s*([^;]+);`).exec(body!)?.[1]?.trim();
        const file = /url\(\.\/files\/([^)]+)\)/.exec(body!)?.[1];
        const family = field('font-family')?.replace(/^'|'$/g, '');
        if (!file || !FONT_FILE_NAME.test(file) || !family) throw new Error(`unexpected @font-face rule in ${font.name}/${sheet}`);
        const points = codePoints(field('unicode-range') ?? 'U+0-10FFFF');
        points.forEach((point) => coveredByThisFont.add(point));
        const fresh = [...points].filter((point) => !covered.has(point));
        if (fresh.length === 0) continue;
        kept.push({ family, style: field('font-style') ?? 'normal', weight: field('font-weight') ?? '400', file, ranges: toRanges(fresh) });
        files.set(file, path.join(dir, 'files', file));
      }
    }
    coveredByThisFont.forEach((point) => covered.add(point));
  }
  faces = kept;
  filesByName = files;
  return { faces, files };
}

/** "U+0460-052F,U+20B4" as a set of code points. */
function codePoints(unicodeRange: string): Set<number> {
  const points = new Set<number>();
  for (const part of unicodeRange.split(',')) {
    const match = /^U\+([0-9A-F]+)(?:-([0-9A-F]+))?$/i.exec(part.trim());
    if (!match) throw new Error(`unexpected unicode-range part: ${part}`);
    const low = parseInt(match[1]!, 16);
    const high = match[2] ? parseInt(match[2], 16) : low;
    for (let point = low; point <= high; point += 1) points.add(point);
  }
  return points;
}

function toRanges(points: number[]): Array<[number, number]> {
  const sorted = [...points].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const point of sorted) {
    const last = ranges.at(-1);
    if (last && point === last[1] + 1) last[1] = point;
    else ranges.push([point, point]);
  }
  return ranges;
}

const hex = (point: number) => point.toString(16).toUpperCase();

/** The @font-face rules for every shipped font, their files addressed as `${urlPrefix}${file}`. */
export function fontFaceCss(urlPrefix: string): string {
  return load()
    .faces.map((face) => {
      const range = face.ranges.map(([low, high]) => (low === high ? `U+${hex(low)}` : `U+${hex(low)}-${hex(high)}`)).join(',');
      return `@font-face{font-family:'${face.family}';font-style:${face.style};font-display:swap;font-weight:${face.weight};src:url(${urlPrefix}${face.file}) format('woff2');unicode-range:${range}}`;
    })
    .join('\n');
}

/** The file on disk for a font file name the stylesheets use, or undefined for any other name. */
export function fontFilePath(name: string): string | undefined {
  if (!FONT_FILE_NAME.test(name)) return undefined;
  const file = load().files.get(name);
  return file && existsSync(file) ? file : undefined;
}
