/**
 * The short run of the fuzzing campaign (fuzz/): every seed in fuzz/corpus/
 * and every crash in fuzz/crashes/ goes through the oracles —
 * (a) only ProtocolError events, never a thrown exception;
 * (b) next() stops (a bounded number of events per input octet);
 * (c) one buffer, one octet at a time and random chunks give the same events;
 * (d) ServerSession / ClientConnection: only UsageErrors on the application
 *     side, events in order, closed exactly once —
 * with the replay configurations of fuzz/cases.ts (strict and lenient, with
 * and without EOF, small limits, HEAD and CONNECT answers). A crash file
 * also runs with the exact case that found it. A crash stays here after its
 * fix, as the regression test for it.
 */
import { describe, it } from "vitest";
import { checkInput, checkTarget, replayCases } from "../fuzz/cases.ts";
import { crashInput, loadCorpus, loadCrashes } from "../fuzz/corpus.ts";
import { escaped, Violation } from "../fuzz/violation.ts";

/** Rethrows a violation with what was expected and what happened. */
function report(e: unknown, input: Uint8Array): never {
  if (!(e instanceof Violation)) throw e;
  throw new Error(
    `${e.oracle} on ${e.target}: ${e.message}\n  input    "${escaped(input)}"\n  expected ${e.expected}\n  got      ${e.got}`,
  );
}

describe("fuzz corpus: no crash, no hang, no desync", () => {
  for (const seed of loadCorpus()) {
    it(`corpus/${seed.name}`, () => {
      for (const c of replayCases(seed.kind)) {
        try {
          checkInput(seed.bytes, seed.kind, c);
        } catch (e) {
          report(e, seed.bytes);
        }
      }
    });
  }
});

describe("fuzz crashes: fixed and staying fixed", () => {
  for (const crash of loadCrashes()) {
    it(`crashes/${crash.file}: ${crash.message}`, () => {
      const input = crashInput(crash);
      try {
        checkTarget(input, crash.target, crash.case);
        for (const c of replayCases(crash.kind)) checkInput(input, crash.kind, c);
      } catch (e) {
        report(e, input);
      }
    });
  }
});
