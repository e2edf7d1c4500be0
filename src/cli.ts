/**
 * The command line. The whole of it is one function, runCli(argv, io): it reads and
 * writes only through `io` and resolves to the exit code, so tests run it in process
 * with captured streams. Run as a program, the entry point below hands it the process's
 * streams and settings and sets the exit code; nothing else here touches `process`.
 *
 *   npm run --silent cli -- compare QUOTE_FILE SOURCE [--format F] [--context N | --context-words N]
 *   npm run --silent cli -- library add|list|reindex …   /   find QUOTE_FILE     (src/cli/library.ts)
 *   npm run --silent cli -- migrate-store --from FILE --to postgres://…         (src/cli/migrate-store.ts)
 *
 * Bad input: one line on standard error and exit 2, never a stack trace.
 */
import { isLibraryCommand, runLibraryCommand } from './cli/library.js';
import { runCompare } from './cli/compare.js';
import { describeFailure, type CliIo } from './cli/io.js';

export type { CliIo, CliOutput } from './cli/io.js';
export { formatText } from './cli/compare.js';

/** Runs the CLI on its arguments (without the program's name); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    if (isLibraryCommand(argv[0])) return await runLibraryCommand(argv, io);
    if (argv[0] === 'migrate-store') return await (await import('./cli/migrate-store.js')).runMigrateStore(argv.slice(1), io);
    return await runCompare(argv, io);
  } catch (err) {
    const failure = describeFailure(err);
    io.stderr.write(`elision: ${failure.message}\n`);
    return failure.exitCode;
  }
}

// The program: run when executed directly (not when imported by tests).
const runDirectly = Boolean(process.argv[1]) && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (runDirectly) {
  // a reader that stops early (`… | head`) closes the pipe: nothing more to say, and no stack trace
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    process.stderr.write(`elision: Cannot write the output: ${describeFailure(err).message}\n`);
    process.exitCode = 1;
  });
  process.stderr.on('error', () => {});
  // standard input is opened only if a file named "-" is read
  const stdin = { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() };
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin, env: process.env }).catch((err: unknown) => {
    // runCli answers every failure itself; this is the last guard against a stack trace
    process.stderr.write(`elision: ${describeFailure(err).message}\n`);
    return 1;
  });
}
