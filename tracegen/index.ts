/** The trace constructor's programmatic API. */
export { buildTrace, type TraceBuildOptions, type TraceBuildResult } from './build.js';
export { maxSynthTenants, synthesizeTrace, synthesizeTraceBuffers, type SynthOptions, type SynthResult } from './synth.js';
export { analyzeTrace, formatTraceInfo, type TraceInfo } from './trace-info.js';
export { TraceCollector, type LogReadSummary } from './log-reader.js';
export { GlibcRandom } from './glibc-rand.js';
export { interleave, parseTenantOrder, type TenantOrder } from './interleave.js';
