/**
 * Runs the CLI with the given arguments in this process (as `./bin/hypersio` would) and,
 * on exit, reports this whole process's peak RSS on stderr as `maxRssKb=N`, so the model
 * benchmark can measure whole-process time and memory with Node alone.
 */
import { main } from '../orchestrator/cli.js';

const status = await main(process.argv);
process.stderr.write(`maxRssKb=${process.resourceUsage().maxRSS}\n`);
process.exitCode = status;
