/**
 * Resolves the browser in a process of its own and prints the result as JSON: lets
 * tests/browser-resolve.test.ts start several at once against one empty temp folder.
 */
import { resolveBrowserFrom } from '../../src/browser.js';

const browser = await resolveBrowserFrom(process.env);
process.stdout.write(JSON.stringify(browser));
