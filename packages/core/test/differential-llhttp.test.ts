/**
 * Differential testing against Node's llhttp (strict, kLenientNone; Node
 * only): the same random requests — valid ones and byte-level mutations of
 * them — go to Tether's request parser and to llhttp. Both must accept or
 * both reject each message; when both accept, method, target, version,
 * field lines, body and trailers must be the same. Every disagreement must
 * be a documented difference (differential/known-differences.ts, each with
 * its RFC rule), and our side of it must be as documented; any other
 * disagreement fails, with the input and both readings.
 *
 * Runs are seeded (set FC_SEED to explore other inputs).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escaped, latin1, octets } from "../fuzz/violation.ts";
import {
  explain,
  KNOWN_DIFFERENCES,
  type KnownDifference,
  oursAsDocumented,
} from "./differential/known-differences.ts";
import { llhttpRequests } from "./differential/llhttp.ts";
import { type Divergence, divergence, tetherRequests } from "./differential/outcome.ts";
import { mutatedRequests, requests } from "./differential/requests.ts";

const SEED = Number(process.env.FC_SEED ?? 20_261_127);

/** What the comparison of one input found. */
type Finding =
  | { readonly agree: true }
  | { readonly agree: false; readonly divergence: Divergence; readonly known: KnownDifference[] };

function differ(input: Uint8Array): Finding {
  const d = divergence(tetherRequests(input), llhttpRequests(input));
  if (d === null) return { agree: true };
  return { agree: false, divergence: d, known: explain(d, latin1(input)) };
}

function describeDivergence(input: Uint8Array, d: Divergence): string {
  return [
    `input "${escaped(input)}"`,
    `message ${d.index}: ${d.kind}; ours ${d.ourError ?? "accepted"}, llhttp ${d.theirError ?? "accepted"} (${d.theirReason ?? ""})`,
    `ours   ${JSON.stringify(d.ours)}`,
    `llhttp ${JSON.stringify(d.theirs)}`,
  ].join("\n");
}

/** Fails unless the input's disagreement (if any) is documented and our side is as documented. */
function checkInput(input: Uint8Array, counts: Map<string, number>): void {
  const f = differ(input);
  if (f.agree) {
    counts.set("agree", (counts.get("agree") ?? 0) + 1);
    return;
  }
  const d = f.divergence;
  if (f.known.length === 0) {
    throw new Error(`undocumented difference from llhttp\n${describeDivergence(input, d)}`);
  }
  if (!oursAsDocumented(d, f.known)) {
    throw new Error(
      `our side of ${f.known.map((k) => k.id).join("/")} changed: expected ${f.known
        .flatMap((k) => k.ours ?? [])
        .join("|")}\n${describeDivergence(input, d)}`,
    );
  }
  const id = (f.known[0] as KnownDifference).id;
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

describe("differential testing against llhttp (strict)", () => {
  it("valid requests: the parsers agree, or differ only as documented", () => {
    const counts = new Map<string, number>();
    fc.assert(
      fc.property(requests, (input) => checkInput(input, counts)),
      { numRuns: 300, seed: SEED },
    );
    // Most valid requests are read alike.
    expect(counts.get("agree") ?? 0).toBeGreaterThan(100);
  });

  it("mutated requests: the parsers agree, or differ only as documented", () => {
    const counts = new Map<string, number>();
    fc.assert(
      fc.property(mutatedRequests, (input) => checkInput(input, counts)),
      { numRuns: 400, seed: SEED },
    );
    expect(counts.get("agree") ?? 0).toBeGreaterThan(100);
  });

  describe("each documented difference, on its example", () => {
    for (const k of KNOWN_DIFFERENCES) {
      it(`${k.id} (${k.category}): ${k.why.slice(0, 60)}…`, () => {
        const input = octets(k.example);
        const f = differ(input);
        if (f.agree) throw new Error(`the example of ${k.id} no longer differs from llhttp`);
        expect(f.divergence.kind, describeDivergence(input, f.divergence)).toBe(k.kind);
        expect(
          f.known.map((x) => x.id),
          describeDivergence(input, f.divergence),
        ).toContain(k.id);
        expect(oursAsDocumented(f.divergence, [k]), describeDivergence(input, f.divergence)).toBe(
          true,
        );
      });
    }
  });
});
