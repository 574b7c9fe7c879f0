/**
 * Field values checked four octets at a time (RFC 9110 §5.5).
 *
 * Almost every octet of a field value is SP or VCHAR (%x20-7E). Read one at
 * a time from a `Uint8Array`, each octet costs a bounds check and a reload of
 * the array's data pointer (V8 does not hoist them out of a loop). Here the
 * octets are first copied, with one native call, into a scratch buffer that
 * is also viewed as 32-bit words, and each word is tested for "some octet is
 * not SP or VCHAR" with a few integer operations ({@link quadBreak}).
 *
 * The scratch is shared by every parser: it is filled by {@link loadQuads}
 * and read by {@link valueBreak} within one synchronous call, so nothing of
 * one parser's bytes is ever read by another. A buffer larger than the
 * scratch, or a big-endian engine, gets `false` from {@link loadQuads} and
 * the caller checks octet by octet instead.
 */

/** Scratch size in octets; {@link valueBreak} indexes words modulo its quarter (0xfff). */
const SIZE = 16384;
const octets = new Uint8Array(SIZE);
const words = new Int32Array(octets.buffer);
/** Words are read as little-endian (the first octet in the low byte). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * For four octets read as one little-endian int32 `w`: 0 when every octet is
 * SP or VCHAR (%x20-7E), else a mask whose lowest set bit is bit 7 of the
 * first octet that is not (see {@link firstFlagged}).
 *
 * Per octet c: `c - 0x20` sets bit 7 for c < 0x20 (c itself has bit 7
 * clear); `c + 1` sets it for DEL (0x7F); `c` has it for %x80-FF. A borrow
 * or carry only crosses into the next octet from an octet that is flagged
 * itself, so the lowest flag is exact (flags above it may not be).
 */
function quadBreak(w: number): number {
  return ((((w - 0x20202020) | 0) & ~w) | ((w + 0x01010101) | 0) | w) & 0x80808080;
}

/** The index (0–3) of the octet whose bit 7 is the lowest set bit of `m` (not 0). */
function firstFlagged(m: number): number {
  return (31 - Math.clz32(m & ((0 - m) | 0))) >> 3;
}

/**
 * Copies `b` into the scratch for {@link valueBreak}. Returns false (and
 * copies nothing) when `b` does not fit or words are not little-endian.
 */
export function loadQuads(b: Uint8Array): boolean {
  if (!LITTLE_ENDIAN || b.length > SIZE) return false;
  octets.set(b);
  return true;
}

/**
 * The offset of the first octet at or after `i`, in the buffer last given
 * to {@link loadQuads}, that is not SP or VCHAR (%x20-7E): HTAB, obs-text,
 * CR, LF or an invalid octet. The caller knows there is one (an LF) before
 * the buffer ends.
 */
export function valueBreak(i: number): number {
  // In the loop: the words array in a local, the mask and the test of
  // quadBreak as literals (module bindings are reloaded and checked at every
  // use: see chars.ts).
  const q = words;
  let k = i >> 2;
  // The octets of the first word before `i` are replaced by "A", so that
  // they neither are flagged nor carry into octet `i`.
  const before = (1 << ((i & 3) << 3)) - 1;
  let m = quadBreak((q[k & 0xfff]! & ~before) | (0x41414141 & before));
  while (m === 0) {
    k = (k + 1) | 0;
    const w = q[k & 0xfff]!;
    m = ((((w - 0x20202020) | 0) & ~w) | ((w + 0x01010101) | 0) | w) & 0x80808080;
  }
  return ((k << 2) + firstFlagged(m)) | 0;
}
