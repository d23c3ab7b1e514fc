/**
 * The checks the CLI makes on a trace file before simulating (orchestrator/model.ts,
 * openTrace), with the same messages. Record contents (type 1, page level 1..3) are checked
 * by the model itself while it runs (BadRecordError).
 */
import { TRACE_RECORD_BYTES } from '../../orchestrator/model-core.js';

/** Returns an error message naming the file, or undefined when the size is right. */
export function traceSizeProblem(name: string, byteLength: number): string | undefined {
  if (byteLength === 0) return `${name}: trace is empty`;
  if (byteLength % TRACE_RECORD_BYTES !== 0) {
    return `${name}: trace size ${byteLength} is not a multiple of ${TRACE_RECORD_BYTES} (corrupt or not a translation trace)`;
  }
  return undefined;
}
