// Entry point for `node dist/main.js`: the same as `tessera serve`.
import { runCli } from './cli/main.js';

process.exitCode = await runCli(['serve', ...process.argv.slice(2)]);
