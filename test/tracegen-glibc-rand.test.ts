/** The rand interleaving depends on glibc's rand() sequence after srand(1). */
import { describe, expect, it } from 'vitest';
import { GlibcRandom } from '../tracegen/glibc-rand.js';

describe('GlibcRandom', () => {
  it('matches glibc rand() after srand(1)', () => {
    const r = new GlibcRandom(1);
    expect([r.next(), r.next(), r.next(), r.next(), r.next()]).toEqual([1804289383, 846930886, 1681692777, 1714636915, 1957747793]);
  });
  it('matches glibc rand() after srand(42)', () => {
    const r = new GlibcRandom(42);
    expect([r.next(), r.next(), r.next()]).toEqual([71876166, 708592740, 1483128881]);
  });
});
