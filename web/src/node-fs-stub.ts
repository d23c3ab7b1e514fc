/** Stands in for node:fs in the browser bundle (see web/vite.config.ts). */
export function readFileSync(): never {
  throw new Error('files cannot be read by path in the browser');
}
export default { readFileSync };
