/**
 * Loads the built-in cases from their readable files (data/cases/<slug>/case.json plus
 * the texts it names) and brings them into the store at start, idempotently: a new
 * folder creates its case, an edited file updates it, an unchanged one is left alone,
 * and a user's own case (or a built-in case the user edited or deleted) is never touched.
 *
 * A bad folder is reported (the error names the file) and skipped; it never stops the
 * others. The file format is documented in README.md ("Cases").
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatPath, parseCaseInput } from '../cases/schema.js';
import { isValidSlug } from '../cases/slug.js';
import type { BuiltInCase, BuiltInSyncResult, CaseStore } from '../cases/types.js';

/** case.json: the case's metadata, with file names where the texts go. */
const caseFileSchema = z.object({
  title: z.unknown(),
  citation: z.unknown().optional(),
  sourceFile: z.string({ error: '"sourceFile" must name the source text file, e.g. "source.txt".' }),
  quotations: z
    .array(
      z.object({
        file: z.string({ error: 'each quotation needs "file", e.g. "quotation-1.txt".' }),
        quotedBy: z.unknown().optional(),
        note: z.unknown().optional(),
      }),
      { error: '"quotations" must be a list of {"file", "quotedBy", "note"}.' },
    )
    .min(1, { error: 'a case needs at least one quotation.' }),
  notes: z.unknown().optional(),
  tags: z.unknown().optional(),
  questions: z.unknown().optional(),
  teacherNotes: z.unknown().optional(),
});

export interface BuiltInImportError {
  /** the folder's name, which is the case's slug */
  slug: string;
  /** the file at fault (path as given in `dir`) */
  file: string;
  message: string;
}

export interface BuiltInImportReport {
  results: BuiltInSyncResult[];
  errors: BuiltInImportError[];
}

/**
 * Imports every case folder under `dir` into `store`. Returns what happened to each
 * case and the errors of the folders that could not be read (also logged on stderr).
 * A missing `dir` imports nothing and is no error.
 */
export async function importBuiltInCases(store: CaseStore, dir: string): Promise<BuiltInImportReport> {
  const { cases, errors } = loadBuiltInCases(dir);
  const results = await store.syncBuiltIn(cases);
  for (const error of errors) console.error(`Built-in case skipped: ${error.file}: ${error.message}`);
  return { results, errors };
}

/** Reads and validates every case folder under `dir`, without touching any store. */
export function loadBuiltInCases(dir: string): { cases: BuiltInCase[]; errors: BuiltInImportError[] } {
  const cases: BuiltInCase[] = [];
  const errors: BuiltInImportError[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cases, errors };
    throw err;
  }
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(dir, entry.name);
    try {
      cases.push(loadBuiltInCase(folder));
    } catch (err) {
      if (!(err instanceof CaseFileError)) throw err;
      errors.push({ slug: entry.name, file: err.file, message: err.message });
    }
  }
  return { cases, errors };
}

class CaseFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

/** One folder → one case; throws CaseFileError naming the file at fault. */
function loadBuiltInCase(folder: string): BuiltInCase {
  const slug = path.basename(folder);
  const caseFile = path.join(folder, 'case.json');
  if (!isValidSlug(slug)) {
    throw new CaseFileError(folder, `the folder name "${slug}" is not a usable slug (lower-case letters, digits and single hyphens).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(caseFile, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CaseFileError(caseFile, e.code === 'ENOENT' ? 'missing.' : `not valid JSON (${e.message}).`);
  }
  const parsed = caseFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = formatPath(issue.path);
    throw new CaseFileError(caseFile, where === '' ? issue.message : `${where}: ${issue.message}`);
  }
  const meta = parsed.data;
  const sourceText = readText(folder, meta.sourceFile);
  const quotationTexts = meta.quotations.map((q) => readText(folder, q.file));
  let input;
  try {
    input = parseCaseInput({
      title: meta.title,
      source: { text: sourceText, citation: meta.citation },
      quotations: meta.quotations.map((q, i) => ({ text: quotationTexts[i], quotedBy: q.quotedBy, note: q.note })),
      notes: meta.notes,
      tags: meta.tags,
      questions: meta.questions,
      teacherNotes: meta.teacherNotes,
    });
  } catch (err) {
    throw new CaseFileError(caseFile, (err as Error).message);
  }
  const hash = crypto.createHash('sha256').update(JSON.stringify(input)).digest('hex');
  return { slug, input, hash };
}

/**
 * A text file named by case.json, exactly as written except ONE trailing line break
 * (editors add it; the texts never mean it). Names must stay inside the folder.
 */
function readText(folder: string, name: string): string {
  const file = path.join(folder, name);
  if (path.isAbsolute(name) || path.relative(folder, file).startsWith('..') || path.dirname(path.relative(folder, file)) !== '.') {
    throw new CaseFileError(path.join(folder, 'case.json'), `"${name}" must be a file name inside the case's folder.`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new CaseFileError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing.' : (err as Error).message);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CaseFileError(file, 'not valid UTF-8.');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r?\n$/, '');
}
