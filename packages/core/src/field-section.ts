/**
 * The field section of a head being read (RFC 9112 §5):
 *
 *     *( field-line CRLF ) CRLF
 *     field-line = field-name ":" OWS field-value OWS
 *
 * Each field line is recorded as four offsets once it has been checked; the
 * strings are cut only when the whole head is there ({@link FieldSection.build}),
 * from one decode of the head. The fields the parser acts upon are noted in
 * {@link HeadFacts} while the lines are recorded.
 *
 * {@link FieldSection.run} checks a run of field lines of the common shape in
 * one pass over their octets. Any other line is left to the line-by-line
 * scanners in field-line.ts (driven by head-reader.ts), which accept the same
 * lines and name the exact error for the others.
 */
import * as chars from "./chars.ts";
import * as fieldLine from "./field-line.ts";
import { FieldNameCache } from "./field-name-cache.ts";
import { Fields } from "./fields.ts";
import { HeadFacts } from "./head-facts.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { LF, TCHAR } = chars;
const { FIELD_CONTENT_LENGTH, fieldKind } = fieldLine;

/** How far {@link lineFeedAfter} looks back from a window's end before searching forward. */
const LF_WINDOW = 512;

/**
 * The offset of an LF at or after `s` in `b[…end)`, or -1 when there is
 * none: the last octet when it is LF (a read that ends with a complete
 * line), else the last LF within a window after `s`, else the first LF
 * after `s`. Each costs at most one native search.
 */
function lineFeedAfter(b: Uint8Array, s: number, end: number): number {
  const last = end - 1;
  if (s > last) return -1;
  if (b[last] === LF) return last;
  if (s === last) return -1;
  const lf = b.lastIndexOf(LF, Math.min(last, s + LF_WINDOW));
  return lf >= s ? lf : b.indexOf(LF, s);
}

/** The field lines of one head, as offsets relative to the head's first octet. */
export class FieldSection {
  /** Per field line: name start, name end, value start, value end (-1 name start: obs-fold). */
  private readonly recs: number[] = [];
  /** Numbers used in {@link recs}. */
  private used = 0;
  private readonly maxFields: number;
  /** Field lines whose name matched {@link names}. */
  private matches = 0;
  /** The names of the last head, reused when the next one repeats them. */
  private readonly names = new FieldNameCache();

  /** Field lines recorded (obs-fold continuations not counted). */
  count = 0;
  /** Some recorded octet is ≥ 0x80 (obs-text), so decoding must be latin1. */
  nonAscii = false;
  /** The `FIELD_*` kind of the last field line recorded. */
  lastKind = 0;
  /** What the recorded lines say about the fields the parser acts upon. */
  readonly facts: HeadFacts = new HeadFacts();

  constructor(maxFields: number) {
    this.maxFields = maxFields;
  }

  /** Forgets the previous head. */
  reset(): void {
    this.used = 0;
    this.count = 0;
    this.matches = 0;
    this.nonAscii = false;
    this.lastKind = 0;
    this.facts.reset();
  }

  /**
   * Records a checked field line; offsets are absolute in `b`, where the head
   * starts at `base`. The caller has checked the limits, {@link maxFields} included.
   */
  add(
    b: Uint8Array,
    base: number,
    s: number,
    nameEnd: number,
    vs: number,
    ve: number,
    obsText: boolean,
  ): void {
    const recs = this.recs;
    const r = this.used;
    recs[r] = s - base;
    recs[r + 1] = nameEnd - base;
    recs[r + 2] = vs - base;
    recs[r + 3] = ve - base;
    this.used = r + 4;
    const kind = fieldKind(b, s, nameEnd - s);
    this.count++;
    if (obsText) this.nonAscii = true;
    this.lastKind = kind;
    if (kind !== 0) this.facts.note(kind, this.count - 1, b, vs, ve);
  }

  /**
   * Records an obs-fold continuation of the previous field line, whose
   * content (trimmed) is `b[vs, ve)` (RFC 9112 §5.2).
   */
  fold(base: number, vs: number, ve: number, obsText: boolean): void {
    const recs = this.recs;
    const r = this.used;
    recs[r] = -1;
    recs[r + 1] = -1;
    recs[r + 2] = vs - base;
    recs[r + 3] = ve - base;
    this.used = r + 4;
    if (obsText) this.nonAscii = true;
    if (this.lastKind === FIELD_CONTENT_LENGTH) this.facts.contentLengthFolded = true;
  }

  /**
   * Checks and records field lines from `b[s]` for as long as each is
   * `token ":" OWS value OWS CRLF` with valid octets (RFC 9110 §5.1, §5.5)
   * and within the limits: a line at most `maxLine` octets long (terminator
   * excluded), ending at or before `sectionEnd`, and at most
   * {@link maxFields} lines. Returns the offset of the first line it did not
   * record (the empty line, an obs-fold, or a line that is incomplete, has
   * another shape or breaks a limit); nothing of that line is recorded.
   */
  run(
    b: Uint8Array,
    base: number,
    s: number,
    end: number,
    maxLine: number,
    sectionEnd: number,
  ): number {
    const tchar = TCHAR;
    const recs = this.recs;
    const facts = this.facts;
    const names = this.names;
    const first = this.count;
    const room = this.maxFields - first;
    let matches = 0;
    let r = this.used;
    let n = 0;
    let kind = this.lastKind;
    let nonAscii = false;
    // Every loop below stops at CR and LF, so none runs past `stop`, an LF at
    // or after the line being read: the octet loops need no bounds checks.
    // In these loops octets are number literals (SP 0x20, HTAB 0x09, CR 0x0d,
    // LF 0x0a, ":" 0x3a) and offsets advance by `(i + k) | 0` (no overflow
    // check): see "Performance note" in chars.ts.
    let stop = -1;
    for (;;) {
      if (s > stop) {
        stop = lineFeedAfter(b, s, end);
        if (stop < 0) break;
      }
      // field-name = token, then ":" (RFC 9110 §5.1; no whitespace before the colon, RFC 9112 §5.1)
      // The name at the same place in the last head when these octets repeat
      // it (field-name-cache.ts); else a scan: letters and "-" (most names)
      // by arithmetic, the other tchar by the table.
      const line = (first + n) | 0;
      let nameEnd = names.match(b, s, stop, line);
      const match = nameEnd >= 0;
      let i = nameEnd;
      if (!match) {
        i = s;
        for (;;) {
          const c = b[i]!;
          if (((c | 0x20) - 0x61) >>> 0 < 26 || c === 0x2d || tchar[c] === 1) i = (i + 1) | 0;
          else break;
        }
        if (i === s || b[i] !== 0x3a) break;
        nameEnd = i;
      }
      i = (i + 1) | 0;
      for (;;) {
        const c = b[i];
        if (c !== 0x20 && c !== 0x09) break;
        i = (i + 1) | 0;
      }
      const vs = i;
      // field-value: SP and VCHAR (%x20-7E), the common octets, by one
      // unsigned comparison each, four at a time while they last; HTAB and
      // obs-text (%x80-FF) one at a time.
      for (;;) {
        while (
          (b[i]! - 0x20) >>> 0 < 0x5f &&
          (b[(i + 1) | 0]! - 0x20) >>> 0 < 0x5f &&
          (b[(i + 2) | 0]! - 0x20) >>> 0 < 0x5f &&
          (b[(i + 3) | 0]! - 0x20) >>> 0 < 0x5f
        ) {
          i = (i + 4) | 0;
        }
        while ((b[i]! - 0x20) >>> 0 < 0x5f) i = (i + 1) | 0;
        const c = b[i]!;
        if (c === 0x09) i = (i + 1) | 0;
        else if (c >= 0x80) {
          nonAscii = true;
          i = (i + 1) | 0;
        } else break;
      }
      if (i >= stop || b[i] !== 0x0d || b[(i + 1) | 0] !== 0x0a) break;
      if (i - s > maxLine || i + 2 > sectionEnd || n === room) break;
      let ve = i;
      while (ve > vs) {
        const c = b[(ve - 1) | 0];
        if (c !== 0x20 && c !== 0x09) break;
        ve = (ve - 1) | 0;
      }
      recs[r] = s - base;
      recs[r + 1] = nameEnd - base;
      recs[r + 2] = vs - base;
      recs[r + 3] = ve - base;
      r = (r + 4) | 0;
      n++;
      kind = match ? names.kind(line) : fieldKind(b, s, nameEnd - s);
      if (match) matches++;
      if (kind !== 0) facts.note(kind, line, b, vs, ve);
      s = (i + 2) | 0;
    }
    // A line that was left may have set `nonAscii` without being recorded;
    // that only costs the slower decoding.
    if (nonAscii) this.nonAscii = true;
    this.used = r;
    this.count += n;
    this.matches += matches;
    this.lastKind = kind;
    return s;
  }

  /** The recorded field lines, cut from `text`, the decoded head. */
  build(text: string): Fields {
    const recs = this.recs;
    const used = this.used;
    // Sized up front (one string per name and per value): cheaper than growing.
    const count = this.count;
    const raw: string[] = new Array<string>(2 * count);
    const names = this.names;
    // Reuse the kept names only when the first `kept` lines all matched (no
    // line past them can), so that all kept strings are cut from one head
    // (see field-name-cache.ts).
    const kept = names.kept(count);
    const reuse = this.matches > 0 && this.matches === kept;
    let k = 0;
    for (let r = 0; r < used; r += 4) {
      const ns = recs[r]!;
      if (ns >= 0) {
        const line = k >> 1;
        raw[k] = reuse && line < kept ? names.name(line) : text.slice(ns, recs[r + 1]);
        raw[k + 1] = text.slice(recs[r + 2], recs[r + 3]);
        k += 2;
      } else {
        // RFC 9112 §5.2: obs-fold → SP, joining the previous value and this line.
        const more = text.slice(recs[r + 2], recs[r + 3]);
        const last = raw[k - 1]!;
        if (more !== "") raw[k - 1] = last === "" ? more : `${last} ${more}`;
      }
    }
    if (!reuse) names.keep(raw, count);
    const fields = new Fields(raw);
    if (this.facts.contentLengthFolded) this.facts.rereadContentLength(fields);
    return fields;
  }
}
