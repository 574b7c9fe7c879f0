/**
 * Conformance with llhttp's markdown test suite (nodejs/llhttp, MIT; the
 * markdown files and their license are in test/fixtures/llhttp/).
 *
 * Every case of the suite runs here. Either our parser does what llhttp does
 * (compared in Tether's terms, see llhttp/compare.ts and the ADAPTATIONS in
 * llhttp/differences.ts), or the case is listed in DIFFERENCES with the RFC
 * rule we follow, and what we do instead is asserted. Each case is also fed
 * one octet at a time, which must give the same result.
 */
import { describe, expect, it } from "vitest";
import type { LlhttpCase } from "./llhttp/case-types.ts";
import { compareWithLlhttp, dropInsertedHost, hostless, withHost } from "./llhttp/compare.ts";
import {
  ADAPTATIONS,
  type Category,
  DIFFERENCES,
  type Difference,
  type OurBehaviour,
} from "./llhttp/differences.ts";
import { countMarkdownCases, loadCases, octets } from "./llhttp/load.ts";
import { type OurOutcome, type RunOptions, runParser, summary } from "./llhttp/run.ts";

const data = loadCases();
const cases = data.cases;
const key = (file: string, name: string): string => `${file} › ${name}`;
const differences = new Map<string, Difference>(DIFFERENCES.map((d) => [key(d.file, d.name), d]));

/** llhttp lenient flags with a Tether equivalent. */
const MAPPED_FLAGS: Readonly<Record<string, "lenientLineEndings">> = {
  "optional-cr-before-lf": "lenientLineEndings",
};

function unmappedFlags(c: LlhttpCase): string[] {
  return c.lenientFlags.filter((f) => MAPPED_FLAGS[f] === undefined);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Runs whole and octet by octet; both must agree. */
function run(input: Uint8Array, options: Omit<RunOptions, "feed">, host: boolean): OurOutcome {
  const whole = runParser(input, { ...options, feed: "whole" });
  const byOctet = runParser(input, { ...options, feed: "octets" });
  expect(summary(byOctet), "fed one octet at a time").toEqual(summary(whole));
  return host ? dropInsertedHost(whole) : whole;
}

/** Problems with our outcome against a difference's `expect`. */
function checkBehaviour(ours: OurOutcome, exp: OurBehaviour): string[] {
  const problems: string[] = [];
  if (exp.error === null) {
    if (ours.error !== null)
      problems.push(`error ${ours.error.code} (${ours.error.message}); expected none`);
  } else if (ours.error === null || !exp.error.includes(ours.error.code)) {
    problems.push(`error ${ours.error?.code ?? "none"}; expected ${exp.error.join("|")}`);
  }
  if (exp.messages !== undefined) {
    if (ours.messages.length !== exp.messages.length) {
      problems.push(`${ours.messages.length} messages; expected ${exp.messages.length}`);
    }
    exp.messages.forEach((spec, i) => {
      const m = ours.messages[i];
      if (m === undefined) return;
      for (const [k, v] of Object.entries(spec)) {
        const got: unknown =
          k === "trailers" ? (m.trailers ?? []) : (m as unknown as Record<string, unknown>)[k];
        if (JSON.stringify(got) !== JSON.stringify(v)) {
          problems.push(`message ${i} ${k}: ${JSON.stringify(got)}; expected ${JSON.stringify(v)}`);
        }
      }
    });
  }
  if (exp.rest !== undefined && ours.rest !== exp.rest) {
    problems.push(`rest ${JSON.stringify(ours.rest)}; expected ${JSON.stringify(exp.rest)}`);
  }
  return problems;
}

/** Runs one case and asserts its outcome (as llhttp, or as its listed difference). */
function checkCase(c: LlhttpCase): void {
  const diff = differences.get(key(c.file, c.name));
  const suffix = octets(diff?.expect.suffix ?? "");
  const original = concat(octets(c.input), suffix);
  const lenient =
    diff?.expect.lenientLineEndings === true ||
    c.lenientFlags.some((f) => MAPPED_FLAGS[f] !== undefined);
  const options = { kind: c.kind, lenientLineEndings: lenient, end: false };
  const hosted = withHost(c, original);
  const input = hosted ?? original;
  const ours = run(input, options, hosted !== null);

  if (hosted !== null) {
    // RFC 9112 §3.2: as given, the Host-less HTTP/1.1 message is never accepted.
    const first = hostless(c, original)[0] as number;
    const asGiven = run(original, options, false);
    expect(asGiven.messages.length, "messages accepted without Host").toBeLessThanOrEqual(first);
    if (ours.messages.length > first) expect(asGiven.error?.code).toBe("MISSING_HOST");
  }

  if (diff !== undefined) {
    expect(checkBehaviour(ours, diff.expect), diff.ours).toEqual([]);
    if (diff.expect.asLlhttp === true) expect(compareWithLlhttp(c, ours)).toEqual([]);
    if (diff.expect.lenientAsLlhttp === true) {
      const lenientRun = run(input, { ...options, lenientLineEndings: true }, hosted !== null);
      expect(compareWithLlhttp(c, lenientRun), "with lenientLineEndings").toEqual([]);
    }
    return;
  }
  expect(compareWithLlhttp(c, ours)).toEqual([]);

  // finish.md: llhttp_finish() ↔ end() (see ADAPTATIONS "finish").
  const finish = c.expected.finish;
  if (finish !== undefined) {
    const ended = run(input, { ...options, end: true }, hosted !== null);
    if (finish === 2) {
      expect(ended.error?.code).toBe("INCOMPLETE_MESSAGE");
    } else {
      expect(ended.error).toBeNull();
      expect(ended.state).toBe("closed");
      const last = ended.messages[ended.messages.length - 1];
      if (finish === 1) expect(last?.complete).toBe(true);
    }
  }
}

describe("llhttp markdown suite (nodejs/llhttp, MIT)", () => {
  for (const c of cases) {
    const diff = differences.get(key(c.file, c.name));
    const label =
      diff === undefined ? "as llhttp" : `differs from llhttp (${diff.category}, see differences)`;
    it(`${key(c.file, c.name)} — ${label}`, () => checkCase(c));
  }
});

describe("llhttp suite bookkeeping", () => {
  it("converts every case of the markdown files (cases.json is complete)", () => {
    expect(cases.length).toBe(data.total);
    expect(countMarkdownCases()).toBe(data.total);
  });

  it("lists every difference against exactly one case", () => {
    const names = new Set(cases.map((c) => key(c.file, c.name)));
    expect(names.size).toBe(cases.length);
    expect(differences.size).toBe(DIFFERENCES.length);
    for (const d of DIFFERENCES)
      expect(names.has(key(d.file, d.name)), key(d.file, d.name)).toBe(true);
    for (const d of DIFFERENCES) expect(d.why).toMatch(/RFC \d{4}/);
    for (const a of ADAPTATIONS) expect(a.why.length).toBeGreaterThan(0);
  });

  it("lists every case that llhttp accepts only with a flag Tether lacks", () => {
    const missing = cases.filter(
      (c) =>
        unmappedFlags(c).length > 0 &&
        c.expected.error === undefined &&
        !differences.has(key(c.file, c.name)),
    );
    expect(missing.map((c) => key(c.file, c.name))).toEqual([]);
  });

  it("accounts for every case: total = compared as llhttp + listed differences", () => {
    const asLlhttp = cases.filter((c) => !differences.has(key(c.file, c.name))).length;
    expect(asLlhttp + DIFFERENCES.length).toBe(data.total);
    const byCategory: Partial<Record<Category, number>> = {};
    for (const d of DIFFERENCES) byCategory[d.category] = (byCategory[d.category] ?? 0) + 1;
    // Changing these numbers is a decision: update them together with the lists.
    expect({ total: data.total, asLlhttp, byCategory }).toEqual({
      total: 215,
      asLlhttp: 161,
      byCategory: {
        "lenient-flag": 19,
        persistence: 9,
        "not-http1": 6,
        "obs-fold": 5,
        "detection-point": 4,
        "empty-line": 3,
        method: 2,
        "transfer-coding": 2,
        switch: 2,
        "asterisk-form": 1,
        "bare-lf": 1,
      },
    });
  });
});
