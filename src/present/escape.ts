/**
 * Escaping shared by the text formats that need it. Each format has its own rules, so
 * each has its own function; none of them trims or reflows the user's text.
 */

/** Text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Characters XML 1.0 forbids outright (most C0 controls, lone surrogates, U+FFFE/U+FFFF)
 * cannot be escaped, only replaced: they become U+FFFD so the document stays well-formed.
 * Offsets are not affected in the formats that use this (TEI carries none).
 */
export function toXmlSafeText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Text for Markdown (CommonMark) so that it reads as itself in a renderer and stays
 * readable as plain text: backslash-escapes only the characters that would start markup
 * (emphasis, code, links, raw HTML, entities, tables), and block markers at a line start.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>|]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/^([ \t]*)([#>+=-])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)([.)])/gm, '$1\\$2');
}
