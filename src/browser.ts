/**
 * The one place that decides which Chromium Elision drives (the PDF export and every
 * browser test), in this order:
 *
 *   1. `CHROMIUM_PATH`, when set: that executable and nothing else (an error if it is
 *      not executable, never a silent fallback);
 *   2. a system Chromium, when one is installed (/usr/bin/chromium and the like), unless
 *      `ELISION_NO_SYSTEM_CHROMIUM=1`;
 *   3. the Chromium that `npm install` brought (`@sparticuz/chromium`, a headless build
 *      inside the package): decompressed once into a folder under the temp directory,
 *      with its own libraries (NSS) and a fontconfig that sees only its own fonts, so it
 *      runs on a machine with nothing but Node.
 *
 * The decompression goes to a private staging folder that is renamed into place when
 * complete, so several processes starting at once each either find a whole browser or
 * make one; none ever launches a half-written file.
 */
import { accessSync, constants, createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import * as tar from 'tar';

export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'bundled';

export interface ResolvedBrowser {
  source: BrowserSource;
  executablePath: string;
  /** Command-line flags to launch it with. */
  args: string[];
  /** Extra environment for the browser process (library and font paths of the bundled one). */
  env: Record<string, string>;
  /** One line saying which browser this is, for logs and the test output. */
  description: string;
}

/** Where a system Chromium is looked for, in order. */
export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Flags for a system Chromium or one named by CHROMIUM_PATH. */
export const DEFAULT_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Of the bundled build's recommended flags (made for AWS Lambda), those we drop: Elision's
 * pages are tested under their Content-Security-Policy and same-origin rules, and the
 * single-process mode is only needed inside Lambda's sandbox.
 */
const UNWANTED_BUNDLED_ARGS = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);

export class BrowserUnavailableError extends Error {}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The system Chromium that would be used, or undefined. */
export function findSystemChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ELISION_NO_SYSTEM_CHROMIUM === '1') return undefined;
  return SYSTEM_CHROMIUM_PATHS.find(isExecutable);
}

let resolving: Promise<ResolvedBrowser> | undefined;

/**
 * The browser to launch, decided once per process (the bundled one is decompressed on
 * the first call, a few seconds; later calls are free). Throws BrowserUnavailableError
 * with one sentence when CHROMIUM_PATH names nothing executable.
 */
export async function resolveBrowser(): Promise<ResolvedBrowser> {
  resolving ??= resolveBrowserFrom(process.env).catch((error: unknown) => {
    resolving = undefined; // let a later call try again
    throw error;
  });
  const browser = await resolving;
  // A long-running server may outlive its unpacked browser (a temp-folder cleaner): unpack again.
  if (browser.source === 'bundled' && !isExecutable(browser.executablePath)) {
    resolving = undefined;
    return resolveBrowser();
  }
  return browser;
}

/** resolveBrowser() for a given environment, without the per-process memo. */
export async function resolveBrowserFrom(env: NodeJS.ProcessEnv): Promise<ResolvedBrowser> {
  const named = env.CHROMIUM_PATH?.trim();
  if (named) {
    if (!isExecutable(named)) {
      throw new BrowserUnavailableError(`CHROMIUM_PATH is set to ${named}, which is not an executable file.`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: named, args: DEFAULT_CHROMIUM_ARGS, env: {}, description: `Chromium from CHROMIUM_PATH (${named})` };
  }
  const system = findSystemChromium(env);
  if (system) {
    return { source: 'system', executablePath: system, args: DEFAULT_CHROMIUM_ARGS, env: {}, description: `the system's Chromium (${system})` };
  }
  return bundledBrowser();
}

const require = createRequire(import.meta.url);

/** The installed @sparticuz/chromium: its folder of compressed files and its version. */
function bundledPackage(): { binDir: string; version: string } {
  let entry: string;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    throw new BrowserUnavailableError('No Chromium found: CHROMIUM_PATH is unset, there is no system Chromium, and @sparticuz/chromium is not installed (run npm install).');
  }
  const root = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { binDir: path.join(root, 'bin'), version };
}

/** The folder the bundled browser is decompressed into: one per version and user. */
export function bundledBrowserDir(version: string): string {
  const user = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `elision-chromium-${version}-${user}`);
}

async function bundledBrowser(): Promise<ResolvedBrowser> {
  const { binDir, version } = bundledPackage();
  const dir = bundledBrowserDir(version);
  const executablePath = path.join(dir, 'chromium');
  if (!isComplete(dir)) await unpack(binDir, dir);
  if (!isExecutable(executablePath)) {
    throw new BrowserUnavailableError(`The bundled Chromium in ${dir} cannot be run (is the temp folder mounted noexec?); set TMPDIR to another folder, or CHROMIUM_PATH.`);
  }
  const { default: Chromium } = await import('@sparticuz/chromium');
  return {
    source: 'bundled',
    executablePath,
    args: Chromium.args.filter((arg) => !UNWANTED_BUNDLED_ARGS.has(arg)),
    env: {
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: dir,
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
    description: `the bundled Chromium (@sparticuz/chromium ${version}, unpacked in ${dir})`,
  };
}

/** The marker written last into the staging folder: its presence means the folder is whole. */
const COMPLETE_MARKER = '.complete';

function isComplete(dir: string): boolean {
  if (!existsSync(path.join(dir, COMPLETE_MARKER)) || !isExecutable(path.join(dir, 'chromium'))) return false;
  // The temp folder is shared: never launch a browser another user put there.
  if (typeof process.getuid === 'function' && statSync(dir).uid !== process.getuid()) {
    throw new BrowserUnavailableError(`${dir} belongs to another user; set TMPDIR to a folder of your own.`);
  }
  return true;
}

/**
 * Decompresses the browser, its libraries, its fonts and SwiftShader into a staging
 * folder beside `dir`, then renames it to `dir`. If another process got there first,
 * its folder is kept and ours is dropped.
 */
async function unpack(binDir: string, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const staging = await mkdtemp(`${dir}.partial-`);
  try {
    await pipeline(createReadStream(path.join(binDir, 'chromium.br')), createBrotliDecompress(), createWriteStream(path.join(staging, 'chromium')));
    await chmod(path.join(staging, 'chromium'), 0o755);
    // NSS and expat (lib/), Open Sans (fonts/), and SwiftShader's GL libraries beside the binary.
    for (const archive of ['al2023.tar.br', 'fonts.tar.br', 'swiftshader.tar.br']) {
      await tar.x({ file: path.join(binDir, archive), cwd: staging, brotli: true });
    }
    // The package's fonts.conf names Lambda's folders; ours names only this folder's fonts.
    await writeFile(
      path.join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    await writeFile(path.join(staging, COMPLETE_MARKER), '');
    if (existsSync(dir) && !isComplete(dir)) await rm(dir, { recursive: true, force: true }); // a remnant, e.g. half-cleaned by a temp reaper
    try {
      await rename(staging, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !isComplete(dir)) throw error;
      // another process finished first: use its folder
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The options playwright-core's launch functions need to start `browser`. */
export function launchOptions(browser: ResolvedBrowser): { executablePath: string; args: string[]; env: Record<string, string | undefined> } {
  return { executablePath: browser.executablePath, args: browser.args, env: { ...process.env, ...browser.env } };
}
