/** Reading the reference's `.cfg` cache configuration from disk (Node only). */
import { applyCacheConfigText, type ModelConfig } from './config.js';
import { readSmallTextFile } from './input-file.js';

/** A .cfg is a few hundred bytes; anything past 1 MiB is not one. */
const MAX_CONFIG_BYTES = 1 << 20;

export function readCacheConfigFile(config: ModelConfig, path: string): ModelConfig {
  return applyCacheConfigText(config, readSmallTextFile(path, 'config file', MAX_CONFIG_BYTES), path);
}
