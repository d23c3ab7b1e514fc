/**
 * The browser demo: a static page (build/web/) that runs the same WebAssembly model as the
 * CLI in a Web Worker. `npm run demo` serves it, `npm run build:web` builds it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { samplesPlugin } from './samples-plugin.js';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Relative URLs: the built site works from any folder or host path.
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The model and fonts are assets; keep them as files rather than inlined data URLs.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
  plugins: [samplesPlugin(repoRoot)],
});
