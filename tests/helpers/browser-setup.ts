/**
 * vitest globalSetup: resolves the browser once before any test file starts (so the
 * bundled one is decompressed once, not by every worker at once) and prints one line
 * saying which browser this run uses.
 */
import { resolveBrowser } from '../../src/browser.js';

export default async function setup(): Promise<void> {
  try {
    const browser = await resolveBrowser();
    console.log(`browser: ${browser.description}`);
  } catch (error) {
    // The browser tests will fail with this reason; the others still run.
    console.log(`browser: none (${error instanceof Error ? error.message : String(error)})`);
  }
}
