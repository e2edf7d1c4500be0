/**
 * Slugs: the short, readable, URL-safe names that make a case's permalink
 * (`/cases/:slug`). A slug is made from a title (`slugify`), checked when a user gives
 * one (`isValidSlug`), and made unique against the slugs already taken (`uniqueSlug`).
 * This module knows nothing of the store: the caller says which slugs are taken.
 */

/** Longest slug, in characters; titles are cut at a word boundary below it. */
export const MAX_SLUG_LENGTH = 80;

/**
 * Words the case routes use next to `/cases/:slug` (`/cases/new`, `/cases/import`,
 * `/api/cases/export`): a case with one of these slugs could never be reached.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['new', 'import', 'export', 'api', 'static']);

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Cyrillic and Greek are common in the texts Elision is for; a transliteration keeps
 * their titles readable in a URL instead of collapsing them to "case". Other scripts
 * fall back to "case" (the title is still shown on the page).
 */
const TRANSLITERATION: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
  α: 'a', β: 'b', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'e', θ: 'th', ι: 'i', κ: 'k', λ: 'l',
  μ: 'm', ν: 'n', ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'ph',
  χ: 'ch', ψ: 'ps', ω: 'o',
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th',
};

/**
 * A slug for a title: lower-case ASCII letters and digits joined by single hyphens,
 * at most MAX_SLUG_LENGTH characters, never reserved. Accents are dropped ("Café" →
 * "cafe"), Cyrillic and Greek transliterated; a title with nothing left gives "case".
 *
 *     slugify("Stalin's resignations: what Service wrote") === 'stalins-resignations-what-service-wrote'
 */
export function slugify(title: string): string {
  const folded = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\x00-\x7f]/g, (ch) => TRANSLITERATION[ch] ?? ' ')
    // an apostrophe joins a word ("Stalin's"), it does not split it
    .replace(/['’]/g, '');
  const words = folded.split(/[^a-z0-9]+/).filter((word) => word !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG_LENGTH) {
      if (slug === '') slug = word.slice(0, MAX_SLUG_LENGTH);
      break;
    }
    slug = next;
  }
  if (slug === '') return 'case';
  return RESERVED_SLUGS.has(slug) ? `${slug}-case` : slug;
}

/** True when a slug a user gave can name a case as it is. */
export function isValidSlug(slug: string): boolean {
  return slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug) && !RESERVED_SLUGS.has(slug);
}

/**
 * The wanted slug if it is free, else the first of `wanted-2`, `wanted-3`, ... that is.
 * The suffix is kept within MAX_SLUG_LENGTH by shortening the stem.
 */
export function uniqueSlug(wanted: string, isTaken: (slug: string) => boolean): string {
  if (!isTaken(wanted)) return wanted;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const stem = wanted.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '');
    const candidate = `${stem}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}
