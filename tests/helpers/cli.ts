/**
 * The CLI in process: runCli (src/cli.ts) with streams that collect what it writes, the
 * same function the `elision` program runs. Only tests/cli.test.ts's smoke test starts
 * the real program.
 */
import { runCli } from '../../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** what a file named "-" reads */
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  /** standard output is a terminal (colour, progress bars) */
  tty?: boolean;
  columns?: number;
  cwd?: string;
}

export async function cli(argv: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false, ...(options.columns ? { columns: options.columns } : {}) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(options.stdin !== undefined ? { stdin: [options.stdin] } : {}),
    env: options.env ?? {},
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return { code, stdout, stderr };
}
