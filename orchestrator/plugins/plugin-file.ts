/**
 * How a configuration names a plugin (docs/extending.md): the value of its parameter
 * (`iotlbPolicy`, `prefetchScheme`, `setIndex`) is the plugin file's absolute path and the
 * first 16 hex digits of the SHA-256 of its content, `/abs/path/my-policy.ts#0123456789abcdef`.
 * So the configuration's id (resume, merge) changes when the file does. No Node APIs: the
 * browser reads configurations too (resolve.ts turns a path into this form).
 */

/** A plugin file named by path and content hash. */
export type PluginFile = `${string}.ts#${string}`;

/** The extension points, by the parameter key that names their plugin. */
export const PLUGIN_KINDS = {
  iotlbPolicy: { slot: 'plugin-policy.ts', what: 'IOTLB replacement policy' },
  prefetchScheme: { slot: 'plugin-prefetcher.ts', what: 'prefetcher' },
  setIndex: { slot: 'plugin-set-index.ts', what: 'set index' },
} as const;
export type PluginKind = keyof typeof PLUGIN_KINDS;
export const PLUGIN_KIND_KEYS = Object.keys(PLUGIN_KINDS) as PluginKind[];

const PLUGIN_FILE = /^(.+\.ts)#([0-9a-f]{16})$/;

export function isPluginFile(value: unknown): value is PluginFile {
  return typeof value === 'string' && PLUGIN_FILE.test(value);
}

/** A value a user typed that names a plugin file rather than a built-in (it ends in `.ts`). */
export function looksLikePluginPath(text: string): boolean {
  return /\.ts$/i.test(text.trim());
}

export function pluginFileParts(value: PluginFile): { path: string; hash: string } {
  const match = PLUGIN_FILE.exec(value);
  if (!match) throw new Error(`not a plugin file reference: ${value}`);
  return { path: match[1] as string, hash: match[2] as string };
}

/** The plugins a configuration links, by kind (empty: the default build serves it). */
export function configPlugins(config: Record<PluginKind, string>): Partial<Record<PluginKind, PluginFile>> {
  const plugins: Partial<Record<PluginKind, PluginFile>> = {};
  for (const kind of PLUGIN_KIND_KEYS) {
    const value = config[kind];
    if (isPluginFile(value)) plugins[kind] = value;
  }
  return plugins;
}

/** How a message names a configuration's plugins: `plugin /home/me/my-policy.ts (IOTLB replacement policy)`. */
export function describePlugins(plugins: Partial<Record<PluginKind, PluginFile>>): string {
  return Object.entries(plugins)
    .map(([kind, value]) => `plugin ${pluginFileParts(value).path} (${PLUGIN_KINDS[kind as PluginKind].what})`)
    .join(', ');
}
