/**
 * Where Tether's request parser and llhttp (strict) part ways by design, as
 * predicates over the first message they disagree about (outcome.ts), each
 * with the RFC rule we follow. The differential test asserts that every
 * disagreement is one of these and that our side of it is as documented
 * (`ours`); any other disagreement fails the test.
 *
 * The per-case differences with llhttp's own test suite are in
 * ../llhttp/differences.ts; predicates.ts extends its categories.
 */
import type { ProtocolErrorCode } from "../../src/errors.ts";
import { LAXER } from "./laxer.ts";
import type { Divergence } from "./outcome.ts";
import type { KnownDifference } from "./predicates.ts";
import { STRICTER } from "./stricter.ts";

export type { DifferentialCategory, KnownDifference } from "./predicates.ts";

/** Every documented difference: we are stricter (stricter.ts), or llhttp is (laxer.ts). */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [...STRICTER, ...LAXER];

/**
 * The documented differences that explain `d` (a message may break several
 * of our rules at once: we report the first we check).
 */
export function explain(d: Divergence, input: string): KnownDifference[] {
  return KNOWN_DIFFERENCES.filter((k) => k.kind === d.kind && k.applies(d, input));
}

/**
 * Whether our side of `d` is as the differences in `ks` document it: for a
 * stricter one, our error code is one of theirs (when they name codes).
 */
export function oursAsDocumented(d: Divergence, ks: readonly KnownDifference[]): boolean {
  const codes = ks.flatMap((k) => k.ours ?? []);
  if (d.kind !== "stricter" || ks.some((k) => k.ours === undefined)) return true;
  return codes.includes(d.ourError as ProtocolErrorCode);
}
