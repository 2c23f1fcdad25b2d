// Runs the `tessera` command from the TypeScript sources (tests use this instead of the compiled bin).
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
