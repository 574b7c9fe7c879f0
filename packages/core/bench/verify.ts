/**
 * Before timing anything: every contender must see the same messages in a
 * case (method, target or status and reason, field lines, body), and the
 * timed code paths must agree on their totals.
 */
import type { BenchCase } from "./cases.ts";
import type { Contender, RecordedMessage } from "./contenders/types.ts";

function show(m: RecordedMessage | undefined): string {
  return m === undefined ? "(no message)" : JSON.stringify(m, null, 2);
}

/**
 * Throws an error naming the first disagreement, if any. The first contender
 * is the reference.
 */
export function verifyCase(c: BenchCase, contenders: readonly Contender[]): void {
  const [reference, ...others] = contenders;
  if (reference === undefined) return;
  const expected = reference.record(c);
  if (expected.length !== c.messages) {
    throw new Error(
      `${c.name}: ${reference.name} parsed ${expected.length} messages, the case has ${c.messages}`,
    );
  }
  for (const other of others) {
    let actual: RecordedMessage[];
    try {
      actual = other.record(c);
    } catch (e) {
      throw new Error(`${c.name}: ${other.name} failed: ${(e as Error).message}`);
    }
    const count = Math.max(actual.length, expected.length);
    for (let i = 0; i < count; i++) {
      const a = actual[i];
      const b = expected[i];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(
          `${c.name}: ${other.name} and ${reference.name} disagree on message ${i + 1} of ${count}\n` +
            `${other.name}: ${show(a)}\n${reference.name}: ${show(b)}`,
        );
      }
    }
  }

  // The timed paths (which keep only totals) must agree too, over several
  // iterations on one long-lived parser.
  const digests = contenders.map((x) => {
    const runner = x.runner(c);
    try {
      runner.run(3);
    } catch (e) {
      throw new Error(`${c.name}: ${x.name} (timed path) failed: ${(e as Error).message}`);
    }
    return runner.digest();
  });
  for (let i = 1; i < digests.length; i++) {
    if (digests[i] !== digests[0]) {
      throw new Error(
        `${c.name}: timed paths disagree after 3 iterations: ` +
          contenders.map((x, j) => `${x.name}: ${digests[j]}`).join("; "),
      );
    }
  }
}
