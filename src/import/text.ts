/**
 * Plain text in UTF-8 or in the encoding it declares or shows (a Project Gutenberg or
 * archive file in Windows-1252, KOI8-R, GB18030...). A Gutenberg licence header and
 * footer are set aside (kept in provenance), and hard-wrapped lines are joined into the
 * paragraphs they are.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { UserError } from '../errors.js';
import type { Extracted } from './types.js';

/**
 * A decoder for an encoding label, through iconv-lite (Node 20's TextDecoder reads
 * "windows-1252" as Latin-1, losing curly quotes and dashes); undefined when unknown.
 * Latin-1 labels read as Windows-1252, as browsers do: files that say ISO-8859-1 hold
 * Windows-1252's quotes and dashes as often as not.
 */
function decoderFor(label: string): { decode(bytes: Uint8Array): string; encoding: string } | undefined {
  const name = /^(iso-?8859-?1|latin-?1|l1|us-ascii|ascii)$/i.test(label) ? 'windows-1252' : label.toLowerCase();
  if (!iconv.encodingExists(name)) return undefined;
  return { decode: (bytes) => iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, { stripBOM: false }), encoding: name };
}

/** The charset parameter of a media type, e.g. "text/plain; charset=KOI8-R" → "koi8-r". */
export function charsetOf(mediaType: string | undefined): string | undefined {
  const match = mediaType?.match(/;\s*charset\s*=\s*"?([\w.:-]+)"?/i);
  return match ? (match[1] as string).toLowerCase() : undefined;
}

/** What a Gutenberg header says of its encoding: "Character set encoding: ISO-8859-1". */
function declaredInGutenbergHeader(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const match = head.match(/Character set encoding:\s*([\w.:-]+)/i);
  return match ? (match[1] as string).toLowerCase() : undefined;
}

/**
 * The text of some bytes: a byte-order mark wins, then a declared encoding (the media
 * type's charset, a Gutenberg header), then UTF-8 when the bytes are valid UTF-8, then
 * the encoding chardet detects. Returns the text and the encoding used.
 */
export function decodeText(bytes: Uint8Array, declared?: string): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  for (const label of [declared, declaredInGutenbergHeader(bytes)]) {
    if (!label) continue;
    // a file that says UTF-8 but is not (a common mislabel) falls through to detection
    if (/^utf-?8$/.test(label)) {
      try {
        return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
      } catch {
        continue;
      }
    }
    const decoder = decoderFor(label);
    if (decoder) return { text: decoder.decode(bytes), encoding: decoder.encoding };
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: ask the detector (it weighs byte statistics per language)
  }
  const detected = chardet.detect(bytes);
  const decoder = (detected ? decoderFor(detected) : undefined) ?? (decoderFor('windows-1252') as NonNullable<ReturnType<typeof decoderFor>>);
  return { text: decoder.decode(bytes), encoding: decoder.encoding };
}

/** Refuses bytes that are plainly not text (a binary file of a type no importer knows). */
export function assertLooksLikeText(bytes: Uint8Array, what: string): void {
  const sample = bytes.subarray(0, 4096);
  // UTF-16 files (with a BOM) hold NULs legitimately
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) return;
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) throw new UserError(`${what} is not a format Elision can read: use a .txt, .html, .pdf, .docx, .epub or TEI .xml file.`);
    if (byte < 9 || (byte > 13 && byte < 32)) controls++;
  }
  if (controls > sample.length / 20) throw new UserError(`${what} is not a format Elision can read: use a .txt, .html, .pdf, .docx, .epub or TEI .xml file.`);
}

const GUTENBERG_START = /^[ \t]*\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*\n/im;
const GUTENBERG_END = /^[ \t]*\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*$/im;
/** the "End of the Project Gutenberg EBook of ..." line some files print just before the END marker */
const GUTENBERG_END_LINE = /\n[ \t]*End of (?:the )?Project Gutenberg(?:'s|’s)? [^\n]*\s*$/i;

/** Splits a Project Gutenberg file into its licence header, its text and its licence footer; undefined when it is not one. */
export function splitGutenberg(text: string): { header: string; body: string; footer: string } | undefined {
  const start = GUTENBERG_START.exec(text);
  if (!start) return undefined;
  const bodyStart = start.index + start[0].length;
  const endMatch = GUTENBERG_END.exec(text.slice(bodyStart));
  let bodyEnd = endMatch ? bodyStart + endMatch.index : text.length;
  const endLine = GUTENBERG_END_LINE.exec(text.slice(bodyStart, bodyEnd));
  if (endLine) bodyEnd = bodyStart + endLine.index;
  return { header: text.slice(0, bodyStart), body: text.slice(bodyStart, bodyEnd), footer: text.slice(bodyEnd) };
}

/**
 * Joins hard-wrapped lines into paragraphs: a paragraph (lines between blank lines)
 * whose lines but the last all run close to the text's wrap width is prose wrapped by
 * an editor, and its lines are joined by a space. Verse, lists and tables, whose lines
 * stop short, keep their line breaks; so does a line ending in a hyphen (the engine
 * reads "some-⏎thing" as one word). Paragraphs come out separated by one blank line.
 */
export function unwrapParagraphs(text: string): string {
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n+/);
  const lengths = text.split('\n').map((line) => line.trimEnd().length).filter((n) => n > 0).sort((a, b) => a - b);
  // the wrap width: most full lines of wrapped prose sit just under it
  const width = lengths.length > 0 ? (lengths[Math.floor(lengths.length * 0.9)] as number) : 0;
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    const lines = paragraph.split('\n').map((line) => line.trimEnd());
    while (lines.length > 0 && lines[0] === '') lines.shift();
    if (lines.length === 0) continue;
    const wrapped =
      width >= 40 && lines.length > 1 && lines.slice(0, -1).every((line) => line.length >= width * 0.6 && !/^\s{2,}/.test(line));
    if (!wrapped) {
      out.push(lines.join('\n'));
      continue;
    }
    let joined = '';
    lines.forEach((line, index) => {
      const piece = index === 0 ? line : line.trimStart();
      if (index === 0) joined = piece;
      else joined += /\p{L}-$/u.test(joined) ? `\n${piece}` : ` ${piece}`;
    });
    out.push(joined);
  }
  return out.join('\n\n');
}

export function extractText(bytes: Uint8Array, declaredCharset: string | undefined, what: string): Extracted {
  assertLooksLikeText(bytes, what);
  const { text: decoded, encoding } = decodeText(bytes, declaredCharset);
  const gutenberg = splitGutenberg(decoded.replace(/\r\n?/g, '\n'));
  const body = gutenberg ? gutenberg.body : decoded;
  const text = unwrapParagraphs(body).trim();
  const title = gutenberg?.header.match(/^Title:[ \t]*(.+)$/m)?.[1]?.trim();
  const author = gutenberg?.header.match(/^Author:[ \t]*(.+)$/m)?.[1]?.trim();
  return {
    text,
    where: [],
    mediaType: 'text/plain',
    extractedBy: 'elision text importer (TextDecoder, chardet)',
    details: {
      encoding,
      ...(gutenberg ? { gutenberg: { header: gutenberg.header, footer: gutenberg.footer } } : {}),
      ...(title ? { title } : {}),
      ...(author ? { author } : {}),
    },
  };
}
