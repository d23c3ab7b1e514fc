/**
 * Plugin variants of the model: sim-as/ compiled by AssemblyScript's own compiler API with
 * the user's files served in place of the extension points' slot modules
 * (sim-as/plugin-*.ts) and plugin-slots.ts saying which are linked, so no copy of sim-as/
 * is made. A variant is cached as build/models/<key>.wasm, keyed by a hash of every model
 * source, the plugin files, the build options and the compiler's version: the second run
 * starts at once, and a sweep's workers and Slurm tasks load the same file. Concurrent
 * compiles of one variant each write a temporary file and rename it into place.
 *
 * Before the model is compiled, a small check module is: it assigns each hook the user's
 * file must export to a variable of the hook's exact type, so a missing hook or a wrong
 * signature is reported by name, and the user's own compile errors by file:line:col.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFilesAtomically } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { projectPath, projectRoot } from '../../core/paths.js';
import { PLUGIN_KINDS, pluginFileParts, type PluginFile, type PluginKind } from './plugin-file.js';
import { contentHash, readPluginSource } from './resolve.js';

/** The plugins a variant links, by kind. */
export type VariantPlugins = Partial<Record<PluginKind, PluginFile>>;

/** Each hook a plugin of a kind exports, as the check module declares its type. */
const HOOKS: Record<PluginKind, readonly { name: string; type: string; shown: string }[]> = {
  iotlbPolicy: [
    { name: 'init', type: '(sets: i32, ways: i32) => void', shown: 'export function init(sets: i32, ways: i32): void' },
    { name: 'hit', type: '(set: i32, way: i32) => void', shown: 'export function hit(set: i32, way: i32): void' },
    { name: 'fill', type: '(set: i32, way: i32, replaced: bool) => void', shown: 'export function fill(set: i32, way: i32, replaced: bool): void' },
    { name: 'victim', type: '(set: i32) => i32', shown: 'export function victim(set: i32): i32' },
  ],
  prefetchScheme: [
    { name: 'init', type: '() => void', shown: 'export function init(): void' },
    { name: 'contextFill', type: '() => void', shown: 'export function contextFill(): void' },
  ],
  setIndex: [{ name: 'setIndex', type: '(cache: i32, sets: i32, did: u32, sid: u32, iova: u64) => i32', shown: 'export function setIndex(cache: i32, sets: i32, did: u32, sid: u32, iova: u64): i32' }],
};

const SLOT_FLAGS: Record<PluginKind, string> = { iotlbPolicy: 'POLICY_PLUGIN_LINKED', prefetchScheme: 'PREFETCHER_PLUGIN_LINKED', setIndex: 'SET_INDEX_PLUGIN_LINKED' };
const CHECK_MODULE = 'sim-as/plugin-check.ts';
/**
 * What a variant is built as: the model (asconfig.json's release target, as `npm run
 * build:wasm` builds dist/hypersio.wasm), the attribution build (dist/hypersio-attribution.wasm,
 * docs/attribution.md) or the testing build (one cache, for the unit tests of a policy:
 * dist/hypersio-testing.wasm).
 */
export type VariantBuild = 'model' | 'attribution' | 'testing';
const BUILDS: Record<VariantBuild, { entry: string; target: string }> = {
  model: { entry: 'sim-as/index.ts', target: 'release' },
  attribution: { entry: 'sim-as/index-attribution.ts', target: 'attribution' },
  testing: { entry: 'sim-as/testing.ts', target: 'testing' },
};
// AssemblyScript's DiagnosticCategory.Error.
const ERROR_CATEGORY = 3;

/** A plugin that does not compile, or lacks a hook: one error per line, exit 2 (InputError). */
export class PluginCompileError extends InputError {}

interface Plugin {
  kind: PluginKind;
  path: string;
  text: string;
  slot: string; // absolute path of the slot the file replaces
}

function modelSources(): { name: string; text: string }[] {
  const dir = projectPath('sim-as');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** The cache key of a variant: every input of the compile. */
function variantKey(plugins: readonly Plugin[], compilerVersion: string, build: VariantBuild): string {
  const parts = [
    `asc ${compilerVersion}`,
    build,
    readFileSync(projectPath('asconfig.json'), 'utf8'),
    ...modelSources().map((s) => `${s.name}\n${s.text}`),
    ...plugins.map((p) => `${p.kind}\n${p.text}`),
  ];
  return contentHash(parts.join('\0'));
}

function loadPlugins(plugins: VariantPlugins): Plugin[] {
  return (Object.entries(plugins) as [PluginKind, PluginFile][]).map(([kind, value]) => {
    const { path, hash } = pluginFileParts(value);
    const text = readPluginSource(path, path);
    if (contentHash(text) !== hash) throw new InputError(`${path}: the plugin file changed since the configuration named it (hash ${hash}); run the command again`);
    return { kind, path, text, slot: projectPath('sim-as', PLUGIN_KINDS[kind].slot) };
  });
}

/** The compiler's version without loading it (loading it takes a second). */
function compilerVersion(): string {
  const pkg = JSON.parse(readFileSync(projectPath('node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function variantPath(key: string): string {
  return projectPath('build', 'models', `${key}.wasm`);
}

/**
 * The variant of the model linking `plugins` (compiled, or found in build/models/):
 * its file. A compile error is a PluginCompileError naming the user's file.
 */
export async function compileVariant(plugins: VariantPlugins, log: (line: string) => void = () => {}, build: VariantBuild = 'model'): Promise<string> {
  const loaded = loadPlugins(plugins);
  const version = compilerVersion();
  const path = variantPath(variantKey(loaded, version, build));
  if (statSync(path, { throwIfNoEntry: false })?.isFile()) return path;
  log(`compiling a model variant with ${loaded.map((p) => shownPath(p.path)).join(', ')} (AssemblyScript ${version})…`);
  const { default: asc } = await import('assemblyscript/asc');
  await runCompile(asc, loaded, 'check');
  const binary = await runCompile(asc, loaded, build);
  if (binary === undefined) throw new Error('the AssemblyScript compiler wrote no module');
  mkdirSync(projectPath('build', 'models'), { recursive: true });
  writeFilesAtomically([{ path, data: binary }]);
  return path;
}

type Asc = typeof import('assemblyscript/asc').default;

/** One compile: the check module (errors only) or the model (its binary). */
async function runCompile(asc: Asc, plugins: readonly Plugin[], what: 'check' | VariantBuild): Promise<Uint8Array | undefined> {
  const root = projectRoot();
  const served = new Map<string, { text: string; shownAs?: string }>();
  for (const p of plugins) served.set(p.slot, { text: p.text, shownAs: p.path });
  served.set(projectPath('sim-as', 'plugin-slots.ts'), { text: slotFlags(plugins) });
  const checkLines: (string | undefined)[] = [];
  if (what === 'check') served.set(projectPath(CHECK_MODULE), { text: checkModule(plugins, checkLines) });
  let binary: Uint8Array | undefined;
  const errors: string[] = [];
  const output = { write: () => {} };
  const outFile = 'build/models/variant.wasm'; // never written: writeFile keeps the bytes
  const argv =
    what === 'check'
      ? [CHECK_MODULE, '--baseDir', root, '--target', BUILDS.model.target, '--noColors', '--optimizeLevel', '0']
      : [BUILDS[what].entry, '--baseDir', root, '--target', BUILDS[what].target, '--noColors', '--outFile', outFile];
  const result = await asc.main(argv, {
    stdout: output,
    stderr: output,
    readFile: (filename, baseDir) => {
      const file = resolve(baseDir, filename);
      const replacement = served.get(file);
      if (replacement) return replacement.text;
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (filename, contents) => {
      if (filename.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
    listFiles: (dirname, baseDir) => {
      try {
        return readdirSync(resolve(baseDir, dirname)).filter((f) => f.endsWith('.ts'));
      } catch {
        return null;
      }
    },
    reportDiagnostic: (d) => {
      if (d.category !== ERROR_CATEGORY) return;
      errors.push(describeDiagnostic(d, served, checkLines, root));
    },
  });
  // A missing hook also fails its typed assignment: say only that it is missing.
  const missing = new Set(errors.filter((e) => e.includes("' is missing: ")).map((e) => e.replace(/' is missing: .*$/, '')));
  errors.splice(0, errors.length, ...new Set(errors.filter((e) => !(e.includes("' has the wrong signature: ") && missing.has(e.replace(/' has the wrong signature: .*$/, ''))))));
  if (errors.length > 0) {
    const files = [...new Set(plugins.map((p) => p.path))].join(', ');
    throw new PluginCompileError(`${files}: does not compile (${errors.length} error${errors.length === 1 ? '' : 's'})\n${errors.join('\n')}`);
  }
  if (result.error) throw new Error(`the AssemblyScript compiler failed: ${result.error.message}`);
  return binary;
}

function slotFlags(plugins: readonly Plugin[]): string {
  const linked = new Set(plugins.map((p) => p.kind));
  return (Object.keys(SLOT_FLAGS) as PluginKind[]).map((kind) => `export const ${SLOT_FLAGS[kind]}: bool = ${linked.has(kind) ? 'true' : 'false'};\n`).join('');
}

/** One import and one typed assignment per hook, each on its own line (`lines` says whose). */
function checkModule(plugins: readonly Plugin[], lines: (string | undefined)[]): string {
  const text: string[] = [];
  const add = (line: string, message?: string) => {
    text.push(line);
    lines.push(message);
  };
  for (const p of plugins) {
    const module = `./${PLUGIN_KINDS[p.kind].slot.replace(/\.ts$/, '')}`;
    for (const hook of HOOKS[p.kind]) {
      const alias = `${p.kind}_${hook.name}`;
      add(`import { ${hook.name} as ${alias} } from '${module}';`, `${p.path}: hook '${hook.name}' is missing: expected ${hook.shown}`);
      add(`export const check_${alias}: ${hook.type} = ${alias};`, `${p.path}: hook '${hook.name}' has the wrong signature: expected ${hook.shown}`);
    }
  }
  return text.join('\n') + '\n';
}

interface Diagnostic {
  code: number;
  message: string;
  range: { start: number; source: { normalizedPath: string } } | null;
}

/** `file:line:col: error TSnnnn: message`, in the user's file where it is one of theirs. */
function describeDiagnostic(d: Diagnostic, served: Map<string, { text: string; shownAs?: string }>, checkLines: (string | undefined)[], root: string): string {
  if (!d.range) return `error TS${d.code}: ${d.message}`;
  const file = resolve(root, d.range.source.normalizedPath);
  const source = served.get(file);
  const text = source?.text ?? readFileOrEmpty(file);
  const before = text.slice(0, d.range.start).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  if (file === projectPath(CHECK_MODULE)) {
    const hookMessage = checkLines[line - 1];
    if (hookMessage !== undefined) return hookMessage;
  }
  return `${source?.shownAs ?? shownPath(file)}:${line}:${column}: error TS${d.code}: ${d.message}`;
}

/** A path relative to the working directory when it is under it, else absolute. */
function shownPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}

function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
