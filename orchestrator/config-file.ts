/** Reading the reference's `.cfg` cache configuration from disk (Node only). */
import { readFileSync } from 'node:fs';
import { applyCacheConfigText, type ModelConfig } from './config.js';
import { InputError } from '../core/errors.js';

export function readCacheConfigFile(config: ModelConfig, path: string): ModelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return applyCacheConfigText(config, text, path);
}
