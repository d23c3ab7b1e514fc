/**
 * A plugin file named on the command line or in a sweep file becomes its configuration
 * value here: its real path and content hash (plugin-file.ts), so that a changed file is
 * a new configuration.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { parseParameter, type ModelParameter, type ParameterValue } from '../parameters.js';
import { looksLikePluginPath, type PluginFile } from './plugin-file.js';

/** Plugin sources are one small file: anything larger is a mistake. */
const MAX_PLUGIN_BYTES = 1 << 20;

export function contentHash(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The text of a plugin file; `where` (the flag) names it in the error. */
export function readPluginSource(path: string, where: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new InputError(`${where}: ${path}: no such plugin file`);
  if (stat.size > MAX_PLUGIN_BYTES) throw new InputError(`${where}: ${path}: ${stat.size} bytes, too large for a plugin file (at most ${MAX_PLUGIN_BYTES})`);
  return readFileSync(path, 'utf8');
}

/** `path` as a configuration value: `<real path>#<hash of its content>`. */
export function pluginFileValue(path: string, where: string): PluginFile {
  const text = readPluginSource(path, where);
  return `${realpathSync(path)}#${contentHash(text)}` as PluginFile;
}

/** parseParameter(), with a plugin file path resolved for the parameters that take one. */
export function parseModelValue(p: ModelParameter, text: string): ParameterValue {
  if (p.kind === 'choice' && p.plugin && looksLikePluginPath(text)) return pluginFileValue(text.trim(), `--${p.flag}`);
  return parseParameter(p, text);
}
