/**
 * Compares what our parser produced with what llhttp reported, in Tether's
 * terms. Two representation rules apply (they are not behaviour differences):
 *
 * - RFC 9112 §5: `field-line = field-name ":" OWS field-value OWS` — the
 *   whitespace around a value is not part of it. llhttp's value spans keep
 *   trailing whitespace, so expected values are trimmed.
 * - RFC 9112 §5.2: a recipient replaces each obs-fold with one or more SP.
 *   llhttp reports the continuation lines as further spans, keeping their
 *   leading whitespace; for a folded value both sides are compared with
 *   every run of SP/HTAB collapsed to one SP.
 */
import type { ExpectedMessage, LlhttpCase } from "./case-types.ts";
import { tetherCodesFor } from "./error-map.ts";
import type { OurMessage, OurOutcome } from "./run.ts";

/** The value of the Host field line the runner inserts (see {@link withHost}). */
export const INSERTED_HOST = "llhttp-conformance.test";

const OWS = /^[ \t]+|[ \t]+$/g;

function collapse(v: string): string {
  return v.replace(/[ \t]+/g, " ").trim();
}

function sameFields(
  expected: readonly (readonly [string, string])[],
  ours: readonly (readonly [string, string])[],
  folded: readonly number[],
  what: string,
  problems: string[],
): void {
  const exp = expected.map(
    ([n, v], i) => [n, folded.includes(i) ? collapse(v) : v.replace(OWS, "")] as const,
  );
  const got = ours.map(([n, v], i) => [n, folded.includes(i) ? collapse(v) : v] as const);
  if (JSON.stringify(exp) !== JSON.stringify(got)) {
    problems.push(`${what}: expected ${JSON.stringify(exp)}, got ${JSON.stringify(got)}`);
  }
}

function compareHead(i: number, exp: ExpectedMessage, ours: OurMessage, problems: string[]): void {
  const at = `message ${i}`;
  if (exp.method !== undefined && exp.method !== ours.method) {
    problems.push(
      `${at}: method ${JSON.stringify(ours.method)}, llhttp ${JSON.stringify(exp.method)}`,
    );
  }
  if (exp.url !== undefined && exp.url !== ours.target) {
    problems.push(
      `${at}: target ${JSON.stringify(ours.target)}, llhttp ${JSON.stringify(exp.url)}`,
    );
  }
  if (exp.status !== undefined && exp.status !== ours.status) {
    problems.push(`${at}: status ${ours.status}, llhttp ${exp.status}`);
  }
  if (exp.reason !== undefined && exp.reason !== ours.reason) {
    problems.push(
      `${at}: reason ${JSON.stringify(ours.reason)}, llhttp ${JSON.stringify(exp.reason)}`,
    );
  }
  if (
    exp.versionMajor !== undefined &&
    (exp.versionMajor !== 1 || exp.versionMinor !== ours.minor)
  ) {
    problems.push(`${at}: version 1.${ours.minor}, llhttp ${exp.versionMajor}.${exp.versionMinor}`);
  }
  sameFields(exp.headers, ours.headers, exp.foldedHeaders ?? [], `${at} fields`, problems);
}

function compareBody(i: number, exp: ExpectedMessage, ours: OurMessage, problems: string[]): void {
  const at = `message ${i}`;
  if (exp.body !== ours.body) {
    problems.push(`${at}: body ${JSON.stringify(ours.body)}, llhttp ${JSON.stringify(exp.body)}`);
  }
  if (exp.complete !== ours.complete) {
    problems.push(
      `${at}: ${ours.complete ? "ended" : "did not end"}, llhttp ${exp.complete ? "ended" : "did not"}`,
    );
  }
  if (exp.complete)
    sameFields(exp.trailers ?? [], ours.trailers ?? [], [], `${at} trailers`, problems);
  if ((exp.upgrade === true) !== ours.switched) {
    problems.push(
      `${at}: ${ours.switched ? "switched" : "did not switch"}, llhttp ${exp.upgrade ? "paused to switch" : "did not"}`,
    );
  }
}

/**
 * Problems found comparing `ours` with llhttp's expectation for `c`
 * (empty: same behaviour). When llhttp reports an error, only the messages
 * it completed before the error are compared, and some error is required
 * (of a matching code where the mapping is clear).
 */
export function compareWithLlhttp(c: LlhttpCase, ours: OurOutcome): string[] {
  const problems: string[] = [];
  const err = c.expected.error;
  const expMessages = c.expected.messages.filter((m) =>
    err === undefined ? m.headComplete : m.complete,
  );
  if (err === undefined && ours.error !== null) {
    problems.push(`error ${ours.error.code} (${ours.error.message}); llhttp reported none`);
  }
  if (err !== undefined) {
    if (ours.error === null) {
      problems.push(`no error; llhttp: ${err.code} "${err.reason}"`);
    } else {
      const allowed = tetherCodesFor(err.code, err.reason);
      if (allowed !== null && !allowed.includes(ours.error.code)) {
        problems.push(
          `error ${ours.error.code}; llhttp ${err.code} "${err.reason}" maps to ${allowed.join("|")}`,
        );
      }
    }
  }
  const n =
    err === undefined ? ours.messages.length : Math.min(ours.messages.length, expMessages.length);
  if (err === undefined ? n !== expMessages.length : n < expMessages.length) {
    problems.push(`${ours.messages.length} message heads; llhttp ${expMessages.length}`);
  }
  for (let i = 0; i < Math.min(n, expMessages.length); i++) {
    const exp = expMessages[i] as ExpectedMessage;
    const mine = ours.messages[i] as OurMessage;
    compareHead(i, exp, mine, problems);
    compareBody(i, exp, mine, problems);
  }
  if (err === undefined && c.expected.rest !== undefined && c.expected.rest !== ours.rest) {
    problems.push(`rest ${JSON.stringify(ours.rest)}, llhttp ${JSON.stringify(c.expected.rest)}`);
  }
  return problems;
}

/** Messages of `c` that are HTTP/1.1 requests without a Host field line. */
export function hostless(c: LlhttpCase, input: Uint8Array): number[] {
  if (c.kind !== "request") return [];
  const out: number[] = [];
  c.expected.messages.forEach((m, i) => {
    const lf = input.indexOf(0x0a, m.offset);
    if (lf === -1) return;
    let line = "";
    for (let k = m.offset; k < lf; k++) line += String.fromCharCode(input[k] as number);
    const is11 = / HTTP\/1\.1\r?$/.test(line);
    // A line that starts with whitespace right after the request-line is what
    // the case is about (RFC 9112 §2.2); a Host line inserted before it would
    // turn it into an obs-fold.
    const next = input[lf + 1];
    if (next === 0x20 || next === 0x09) return;
    if (is11 && !m.headers.some(([n]) => n.toLowerCase() === "host")) out.push(i);
  });
  return out;
}

/**
 * RFC 9112 §3.2 requires Host in every HTTP/1.1 request; llhttp does not
 * check it and most of its request cases have none. Returns the input with
 * `Host: llhttp-conformance.test` CRLF inserted after the request-line of
 * each such message, or `null` when no message needs one.
 */
export function withHost(c: LlhttpCase, input: Uint8Array): Uint8Array | null {
  const need = hostless(c, input);
  if (need.length === 0) return null;
  const field = new TextEncoder().encode(`Host: ${INSERTED_HOST}\r\n`);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const i of need) {
    const at = input.indexOf(0x0a, (c.expected.messages[i] as ExpectedMessage).offset) + 1;
    parts.push(input.subarray(from, at), field);
    from = at;
  }
  parts.push(input.subarray(from));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Removes the inserted Host field lines from our messages (in place). */
export function dropInsertedHost(ours: OurOutcome): OurOutcome {
  for (const m of ours.messages) {
    const i = m.headers.findIndex(([n, v]) => n === "Host" && v === INSERTED_HOST);
    if (i !== -1) m.headers.splice(i, 1);
  }
  return ours;
}
