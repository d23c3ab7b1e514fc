/** Shared by the explain tests: `hypersio explain --json` on a golden trace in a fresh folder. */
import { hypersio } from './sweep-helpers.js';
import type { Explanation } from '../orchestrator/explain/explanation.js';

export { tempDir, TRACE_8 } from './sweep-helpers.js';

export type ExplainJson = Explanation & { outDir: string; simulated: number; charts: string[] };

/** Runs `hypersio explain --json` and parses its output (the test fails on a non-zero status). */
export async function explainJson(args: string[]): Promise<{ json: ExplainJson; stderr: string }> {
  const result = await hypersio(['explain', ...args, '--json']);
  if (result.exitCode !== 0) throw new Error(`explain exited ${result.exitCode}: ${result.stderr}`);
  return { json: JSON.parse(result.stdout) as ExplainJson, stderr: result.stderr };
}
