// A next-page prefetcher (docs/extending.md, "Prefetcher"): at each request's context
// fill, prefetch the translation of the page that follows the request's own (same page
// size, same did and sid). It replaces the built-in sid-successor prefetcher; its
// prefetches fill the prefetch buffer, so give the run one (--prefetch-buffer 64).
//
//   hypersio run --trace T --prefetcher examples/next-page.ts --prefetch-buffer 64

import { iova, pageLevel, prefetch } from './plugin-api';

export function init(): void {}

export function contextFill(): void {
  const level = pageLevel();
  const pageBytes: u64 = level == 1 ? 1 << 12 : level == 2 ? 1 << 21 : 1 << 30;
  prefetch((iova() & ~(pageBytes - 1)) + pageBytes, level);
}
