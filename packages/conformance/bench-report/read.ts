/**
 * Reading the benchmarks' results files without trusting their shape: each
 * reader takes `unknown` (parsed JSON) and returns a typed value or `null`,
 * so an old, partial or hand-edited file makes the report say "not
 * measured" instead of crashing it.
 */

/** A JSON object, or `null` for anything else. */
export function obj(x: unknown): Record<string, unknown> | null {
  return typeof x === "object" && x !== null && !Array.isArray(x)
    ? (x as Record<string, unknown>)
    : null;
}

/** A JSON array, or an empty one for anything else. */
export function arr(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

/** A finite number, or `null`. */
export function num(x: unknown): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** A string, or `null`. */
export function str(x: unknown): string | null {
  return typeof x === "string" ? x : null;
}

/** A boolean, or `null`. */
export function bool(x: unknown): boolean | null {
  return typeof x === "boolean" ? x : null;
}

/** A median with its quartiles. */
export interface Stat {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
}

/** `{ median, p25, p75, … }` as the benches write it, or `null`. */
export function stat(x: unknown): Stat | null {
  const o = obj(x);
  if (o === null) return null;
  const median = num(o.median);
  const p25 = num(o.p25);
  const p75 = num(o.p75);
  return median === null || p25 === null || p75 === null ? null : { median, p25, p75 };
}

/** Multiplies a {@link Stat} by a constant (unit conversion). */
export function scaleStat(s: Stat | null, factor: number): Stat | null {
  return s === null
    ? null
    : { median: s.median * factor, p25: s.p25 * factor, p75: s.p75 * factor };
}

/** A target as the adapter benches write it (bench-kit `Target`). */
export interface TargetRecord {
  readonly section: string;
  readonly what: string;
  readonly ratio: number;
  readonly goal: number;
  readonly met: boolean;
}

/** The targets in `x` that have every field; others are dropped. */
export function targets(x: unknown): TargetRecord[] {
  const out: TargetRecord[] = [];
  for (const item of arr(x)) {
    const o = obj(item);
    if (o === null) continue;
    const section = str(o.section);
    const what = str(o.what);
    const ratio = num(o.ratio);
    const goal = num(o.goal);
    const met = bool(o.met);
    if (section === null || what === null || ratio === null || goal === null || met === null) {
      continue;
    }
    out.push({ section, what, ratio, goal, met });
  }
  return out;
}

/** `name → string` entries of an object (other values dropped). */
export function stringRecord(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(x) ?? {})) {
    const s = str(v);
    if (s !== null) out[k] = s;
  }
  return out;
}
