/**
 * Validation of cases as they arrive from outside: the JSON API, imported JSON files,
 * the built-in case files. The zod schemas here match src/cases/types.ts and turn any
 * value into a clean CaseInput (trimmed labels, empty fields dropped, texts exact) or
 * a UserError naming the first thing wrong and where (`quotations[1].text: ...`), with
 * status 413 when a text is over its size limit and 400 otherwise.
 *
 * Deliberately not here: the HTML forms' field names (src/web/routes/case-admin.ts
 * maps them to this shape) and slugs' uniqueness (the store knows what is taken).
 */
import { z } from 'zod';
import { closeBidiControls } from '../bidi.js';
import { UserError } from '../errors.js';
import { MAX_QUOTE_BYTES, MAX_SOURCE_BYTES } from '../limits.js';
import type { SourceProvenance, WhereEntry } from '../import/types.js';
import type { CaseInput, CaseSource, Citation, QuotedBy } from './types.js';
import { isValidSlug, MAX_SLUG_LENGTH } from './slug.js';

export const MAX_TITLE_LENGTH = 200;
export const MAX_QUOTATIONS = 20;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;
export const MAX_QUESTIONS = 30;
export const MAX_QUESTION_LENGTH = 1000;
/** notes and teacherNotes, in UTF-8 bytes */
export const MAX_NOTES_BYTES = 100 * 1024;
/** any one citation or "quoted by" field, in characters */
export const MAX_LABEL_LENGTH = 1000;
export const MAX_URL_LENGTH = 2000;
/** cases in one import */
export const MAX_IMPORT_CASES = 500;

const TOO_LARGE = { status: 413 };

function formatBytes(bytes: number): string {
  // Rounded up, so a text just over a limit never reads as equal to it.
  if (bytes >= 1024 * 1024) return `${(Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toString()} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** Control characters other than tab and line breaks have no place in a label. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A short one-line label (a citation field, a title): trimmed, white space collapsed. */
function label(what: string, maxLength: number) {
  return z
    .string({ error: `${what} must be text.` })
    // closeBidiControls: an override left open would reverse the page's words after the label
    .transform((value) => closeBidiControls(value.replace(/\s+/g, ' ').trim()))
    .check((ctx) => {
      if (CONTROL.test(ctx.value)) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `${what} contains control characters.` });
      }
      if (ctx.value.length > maxLength) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `${what} is ${ctx.value.length} characters long; the limit is ${maxLength}.`,
        });
      }
    });
}

/** An optional label: absent, null and empty all mean "not given". */
function optionalLabel(what: string, maxLength = MAX_LABEL_LENGTH) {
  return label(what, maxLength)
    .nullish()
    .transform((value) => (value ? value : undefined));
}

/**
 * Only http(s) addresses: a `javascript:` or `data:` URL in a citation would become a
 * live link on every page and export that shows it.
 */
const optionalUrl = (what: string) =>
  optionalLabel(what, MAX_URL_LENGTH).check((ctx) => {
    const value = ctx.value;
    if (value === undefined) return;
    let ok = false;
    try {
      const url = new URL(value);
      ok = url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) {
      ctx.issues.push({ code: 'custom', input: value, message: `${what} must be a web address starting with http:// or https://.` });
    }
  });

/** A text compared by the engine: kept exactly as given, never trimmed. */
function exactText(what: string, maxBytes: number) {
  return z.string({ error: `${what} must be text.` }).check((ctx) => {
    if (ctx.value.trim() === '') {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `${what} is empty.` });
      return;
    }
    const bytes = Buffer.byteLength(ctx.value, 'utf8');
    if (bytes > maxBytes) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${what} is ${formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)}.`,
        params: TOO_LARGE,
      });
    }
  });
}

/** Markdown notes: kept as written (no trimming inside), limited in size. */
function markdown(what: string) {
  return z
    .string({ error: `${what} must be text (Markdown).` })
    .nullish()
    .transform((value) => (value ?? '').replace(/^\s+$/, ''))
    .check((ctx) => {
      const bytes = Buffer.byteLength(ctx.value, 'utf8');
      if (bytes > MAX_NOTES_BYTES) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `${what} are ${formatBytes(bytes)}; the limit is ${formatBytes(MAX_NOTES_BYTES)}.`,
          params: TOO_LARGE,
        });
      }
    });
}

export const citationSchema = z
  .object(
    {
      author: optionalLabel('The author'),
      work: optionalLabel('The work'),
      container: optionalLabel('The container (book, journal or site)'),
      year: optionalLabel('The year'),
      edition: optionalLabel('The edition'),
      publisher: optionalLabel('The publisher'),
      place: optionalLabel('The place of publication'),
      page: optionalLabel('The page or section'),
      url: optionalUrl('The URL'),
      language: optionalLabel('The language', 35),
      note: optionalLabel('The citation note'),
    },
    { error: 'The citation must be an object such as {"author": "...", "work": "..."}.' },
  )
  .transform((citation): Citation => dropUndefined(citation));

export const quotedBySchema = z
  .object(
    {
      author: optionalLabel('Who quoted it'),
      work: optionalLabel('Where it was quoted'),
      date: optionalLabel('The date it was quoted'),
      url: optionalUrl('The URL where it was quoted'),
      page: optionalLabel('The page where it was quoted'),
    },
    { error: '"quotedBy" must be an object such as {"author": "...", "work": "..."}.' },
  )
  .transform((quotedBy): QuotedBy => dropUndefined(quotedBy));

export const quotationSchema = z
  .object(
    {
      text: exactText('The quotation', MAX_QUOTE_BYTES),
      quotedBy: quotedBySchema.nullish(),
      note: optionalLabel('The quotation note', MAX_NOTES_BYTES),
    },
    { error: 'Each quotation must be an object such as {"text": "...", "quotedBy": {...}}.' },
  )
  .transform((q) => dropUndefined({ text: q.text, quotedBy: q.quotedBy && Object.keys(q.quotedBy).length > 0 ? q.quotedBy : undefined, note: q.note }));

/** entries of a source's where map (a 1,000-page PDF has 1,000) */
export const MAX_WHERE_ENTRIES = 100_000;
export const MAX_PROVENANCE_NOTES = 10_000;

/** A plain text field of the provenance: kept as given, bounded, no control characters. */
function provenanceText(what: string, maxLength = MAX_LABEL_LENGTH) {
  return z.string({ error: `${what} must be text.` }).check((ctx) => {
    if (ctx.value.length > maxLength) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `${what} is ${ctx.value.length} characters long; the limit is ${maxLength}.` });
    }
  });
}

const count = (what: string) => z.number({ error: `${what} must be a number.` }).int({ error: `${what} must be a whole number.` }).min(0, { error: `${what} cannot be negative.` });

/** The provenance POST /api/sources answers with (src/import/types.ts SourceProvenance); unknown keys are dropped. */
export const provenanceSchema = z
  .object(
    {
      url: optionalUrl('The provenance URL'),
      file: optionalLabel('The provenance file name'),
      mediaType: label('The media type', 200).optional(),
      extractedBy: label('The extracting library', 200).optional(),
      retrievedAt: z.iso.datetime({ offset: true, error: 'The retrieval time must be an ISO 8601 date and time.' }).optional(),
      bytes: count('The size in bytes').optional(),
      sha256: z.string({ error: 'The SHA-256 must be text.' }).regex(/^[0-9a-f]{64}$/, { error: 'The SHA-256 must be 64 lower-case hexadecimal digits.' }).optional(),
      encoding: label('The encoding', 100).optional(),
      title: optionalLabel('The document title'),
      author: optionalLabel('The document author'),
      gutenberg: z
        .object(
          { header: provenanceText('The Gutenberg header', MAX_NOTES_BYTES), footer: provenanceText('The Gutenberg footer', MAX_NOTES_BYTES) },
          { error: '"gutenberg" must be an object: {"header": "...", "footer": "..."}.' },
        )
        .optional(),
      notes: z
        .array(provenanceText('A note', MAX_NOTES_BYTES), { error: '"notes" must be a list of texts.' })
        .max(MAX_PROVENANCE_NOTES, { error: `The provenance holds at most ${MAX_PROVENANCE_NOTES} notes.` })
        .optional(),
      pages: count('The page count').optional(),
      chapters: count('The chapter count').optional(),
    },
    { error: '"provenance" must be an object such as {"file": "...", "mediaType": "...", "sha256": "..."}.' },
  )
  .check((ctx) => {
    if (!ctx.value.url && !ctx.value.file) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: 'The provenance must name the "url" or the "file" the source was imported from.' });
    }
  })
  .transform((provenance): Partial<SourceProvenance> => dropUndefined(provenance));

export const whereEntrySchema = z
  .object(
    {
      start: count('"start"'),
      page: z.union([z.number().int().min(0), provenanceText('The page label', 100)], { error: 'The page must be a number or a label such as "xiv".' }).optional(),
      chapter: provenanceText('The chapter').optional(),
      heading: provenanceText('The heading').optional(),
    },
    { error: 'Each entry of "where" must be an object such as {"start": 0, "page": 1}.' },
  )
  .transform((entry): WhereEntry => dropUndefined(entry));

/** The source's map from offsets to pages, chapters or headings; sorted by start. */
export const whereMapSchema = z
  .array(whereEntrySchema, { error: '"where" must be a list such as [{"start": 0, "page": 1}].' })
  .max(MAX_WHERE_ENTRIES, { error: `"where" holds at most ${MAX_WHERE_ENTRIES} entries.` })
  .transform((entries) => [...entries].sort((a, b) => a.start - b.start));

const tagsSchema = z
  .array(label('A tag', MAX_TAG_LENGTH), { error: '"tags" must be a list of words.' })
  .nullish()
  .transform((tags) => uniqueTags(tags ?? []))
  .check((ctx) => {
    if (ctx.value.length > MAX_TAGS) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `There are ${ctx.value.length} tags; the limit is ${MAX_TAGS}.` });
    }
    for (const tag of ctx.value) {
      if (tag.includes(',')) {
        ctx.issues.push({ code: 'custom', input: tag, message: `The tag "${tag}" contains a comma; give each tag separately.` });
      }
    }
  });

const questionsSchema = z
  .array(label('A question', MAX_QUESTION_LENGTH), { error: '"questions" must be a list of texts.' })
  .nullish()
  .transform((questions) => (questions ?? []).filter((question) => question !== ''))
  .check((ctx) => {
    if (ctx.value.length > MAX_QUESTIONS) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `There are ${ctx.value.length} questions; the limit is ${MAX_QUESTIONS}.` });
    }
  });

const caseFields = {
  title: label('The title', MAX_TITLE_LENGTH).check((ctx) => {
    if (ctx.value === '') ctx.issues.push({ code: 'custom', input: ctx.value, message: 'The title is empty.' });
  }),
  source: z
    .object(
      {
        text: exactText('The source', MAX_SOURCE_BYTES),
        citation: citationSchema.nullish(),
        provenance: provenanceSchema.nullish(),
        where: whereMapSchema.nullish(),
      },
      { error: '"source" must be an object: {"text": "...", "citation": {...}}.' },
    )
    .check((ctx) => {
      // offsets count UTF-16 code units of the text as given, like every Span
      const beyond = ctx.value.where?.findIndex((entry) => entry.start > ctx.value.text.length) ?? -1;
      if (beyond >= 0) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value.where,
          path: ['where', beyond, 'start'],
          message: `"start" is ${ctx.value.where?.[beyond]?.start}, beyond the source's ${ctx.value.text.length} characters.`,
        });
      }
    }),
  quotations: z
    .array(quotationSchema, { error: '"quotations" must be a list: [{"text": "...", "quotedBy": {...}}].' })
    .min(1, { error: 'A case needs at least one quotation.' })
    .max(MAX_QUOTATIONS, { error: `A case holds at most ${MAX_QUOTATIONS} quotations.` }),
  notes: markdown('The notes'),
  tags: tagsSchema,
  questions: questionsSchema,
  teacherNotes: markdown("The teacher's notes"),
};

function toCaseInput(fields: z.output<z.ZodObject<typeof caseFields>>): CaseInput {
  return {
    title: fields.title,
    source: toCaseSource(fields.source),
    quotations: fields.quotations,
    notes: fields.notes,
    tags: fields.tags,
    questions: fields.questions,
    teacherNotes: fields.teacherNotes,
  };
}

function toCaseSource(source: z.output<typeof caseFields.source>): CaseSource {
  const out: CaseSource = { text: source.text, citation: source.citation ?? {} };
  if (source.provenance) out.provenance = source.provenance;
  if (source.where && source.where.length > 0) out.where = source.where;
  return out;
}

/** The contract's case JSON: `{title, source: {text, citation}, quotations: [...], notes, tags}` (+ questions, teacherNotes). */
export const caseInputSchema = z
  .object(caseFields, { error: 'A case must be a JSON object: {"title", "source": {"text", "citation"}, "quotations": [...]}.' })
  .transform(toCaseInput);

/** A case as the API's POST and an import take it: the case JSON plus an optional slug. Other keys (builtIn, createdAt) are ignored. */
export const caseWithSlugSchema = z
  .object(
    {
      ...caseFields,
      slug: z
        .string({ error: '"slug" must be text.' })
        .nullish()
        .check((ctx) => {
          const slug = ctx.value;
          if (slug && !isValidSlug(slug)) {
            ctx.issues.push({
              code: 'custom',
              input: slug,
              message: `The slug "${slug.slice(0, MAX_SLUG_LENGTH)}" is not usable: use lower-case letters, digits and single hyphens (at most ${MAX_SLUG_LENGTH} characters), and not "new", "import" or "export".`,
            });
          }
        }),
    },
    { error: 'A case must be a JSON object: {"title", "source": {"text", "citation"}, "quotations": [...]}.' },
  )
  .transform((fields) => ({ input: toCaseInput(fields), slug: fields.slug || undefined }));

export type CaseWithSlug = z.output<typeof caseWithSlugSchema>;

/**
 * What an import accepts: one case, a list of cases, or `{"cases": [...]}` (the
 * shape of GET /api/cases/export), at most MAX_IMPORT_CASES of them.
 */
export const caseImportSchema = z
  .union(
    [
      z.object({ cases: z.array(z.unknown(), { error: '"cases" must be a list of cases.' }) }).transform((envelope) => envelope.cases),
      z.array(z.unknown()),
      z.object({ title: z.unknown() }).passthrough().transform((one) => [one]),
    ],
    { error: 'The JSON must be a case, a list of cases, or {"cases": [...]}.' },
  )
  .pipe(
    z
      .array(caseWithSlugSchema)
      .min(1, { error: 'There is no case to import: the list is empty.' })
      .max(MAX_IMPORT_CASES, { error: `At most ${MAX_IMPORT_CASES} cases can be imported at once.` }),
  );

/** Validates a case; throws a UserError (400, or 413 when a text is too large) naming the first problem and where it is. */
export function parseCaseInput(value: unknown): CaseInput {
  return parseOrThrow(caseInputSchema, value);
}

/** Validates a case that may carry its own slug (API POST). */
export function parseCaseWithSlug(value: unknown): CaseWithSlug {
  return parseOrThrow(caseWithSlugSchema, value);
}

/** Validates everything an import holds; throws on the first bad case, naming it. */
export function parseCaseImport(value: unknown): CaseWithSlug[] {
  return parseOrThrow(caseImportSchema, value);
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw issueToUserError(result.error.issues);
}

/**
 * A case that did not validate: the message names where (`quotations[1].text: ...`);
 * `path` and `detail` (the message without the where) let a form mark the field.
 */
export class CaseValidationError extends UserError {
  constructor(
    readonly path: ReadonlyArray<PropertyKey>,
    readonly detail: string,
    status: number,
  ) {
    const where = formatPath(path);
    super(where === '' ? detail : `${where}: ${detail}`, status);
  }
}

/** The first issue, as a sentence prefixed with where it is; 413 when any issue is a size limit. */
export function issueToUserError(issues: readonly z.core.$ZodIssue[]): CaseValidationError {
  const isTooLarge = (issue: z.core.$ZodIssue) => issue.code === 'custom' && (issue.params as { status?: number } | undefined)?.status === 413;
  const tooLarge = issues.find(isTooLarge);
  const chosen = tooLarge ?? issues[0];
  if (!chosen) return new CaseValidationError([], 'The case is not valid.', 400);
  return new CaseValidationError(chosen.path, chosen.message, tooLarge ? 413 : 400);
}

/** ['quotations', 1, 'text'] → 'quotations[1].text' */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function uniqueTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

function dropUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as T;
}
