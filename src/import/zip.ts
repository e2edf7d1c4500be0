/**
 * Bounded reading of ZIP packages (EPUB, DOCX) through fflate: only the entries asked
 * for are inflated, and never more than a fixed total. fflate inflates each entry into
 * a buffer of the size its header declares, so a header that lies cannot make it grow;
 * the declared sizes are added up and refused past the cap before anything is inflated.
 * A zip bomb is refused with one sentence, not a full memory.
 */
import { unzipSync } from 'fflate';
import { UserError } from '../errors.js';

/** Most uncompressed bytes read from one package (text and markup only: images are never inflated). */
export const MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 10_000;

export function readZip(
  bytes: Uint8Array,
  what: string,
  wanted: (name: string) => boolean,
  maxBytes = MAX_UNZIPPED_BYTES,
): Record<string, Uint8Array> {
  let total = 0;
  let entries = 0;
  let bomb = false;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        entries++;
        if (!wanted(file.name)) return false;
        total += file.originalSize;
        if (total > maxBytes || entries > MAX_ZIP_ENTRIES) bomb = true;
        return !bomb;
      },
    });
  } catch (err) {
    if (bomb) throw bombError(what, maxBytes);
    throw new UserError(`${what} is not a readable package: its ZIP structure is damaged (${(err as Error).message}).`, 422);
  }
  if (bomb) throw bombError(what, maxBytes);
  return files;
}

function bombError(what: string, maxBytes: number): UserError {
  return new UserError(
    `${what} unpacks to more than ${maxBytes / (1024 * 1024)} MB of text (or holds too many files): it was refused as a possible zip bomb.`,
    422,
  );
}

export function utf8(bytes: Uint8Array | undefined): string {
  return bytes ? new TextDecoder('utf-8').decode(bytes).replace(/^\ufeff/, '') : '';
}
