/**
 * Serialize, then parse: what the serializer writes, our own parser must
 * read back as the same message (RFC 9112 §2.1: start-line, fields, body,
 * trailers), whatever way the bytes are split.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBodyEncoder } from "../src/body-encoder.ts";
import type { Fields } from "../src/fields.ts";
import type { BodyFraming, HttpVersion, ParseEvent } from "../src/message.ts";
import { chooseFraming } from "../src/outgoing-framing.ts";
import { MessageParser } from "../src/parser.ts";
import { serializeRequestHead, serializeResponseHead } from "../src/serializer.ts";

/** Names the serializer or parser treat specially; kept out of the random fields. */
const RESERVED = new Set([
  "content-length",
  "transfer-encoding",
  "host",
  "connection",
  "upgrade",
  "expect",
  "te",
  "trailer",
  "keep-alive",
]);

const tchar = fc.constantFrom(
  ..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split(""),
);
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
const fieldName = token.filter((n) => !RESERVED.has(n.toLowerCase()));
/** RFC 9110 §5.5 field-value, with obs-text (as latin1 code points). */
const vchar = fc
  .oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => String.fromCharCode(c));
const inner = fc.oneof(vchar, fc.constantFrom(" ", "\t"));
const fieldValue = fc.oneof(
  fc.constant(""),
  fc
    .tuple(vchar, fc.string({ unit: inner, maxLength: 20 }), vchar)
    .map(([a, mid, b]) => a + mid + b),
  vchar,
);
const fieldList = fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 8 });
const version = fc.constantFrom<HttpVersion>("1.0", "1.1");
const body = fc.uint8Array({ maxLength: 400 });
/** Where to cut the wire bytes before feeding them (fractions of the length). */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 });

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits `body` into pieces at the given fractions. */
function pieces(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

/** Feeds `wire` cut at `at`, optionally ends it, and collects every event. */
function parseAll(parser: MessageParser, wire: Uint8Array, at: number[], eof: boolean) {
  const events: ParseEvent[] = [];
  for (const piece of pieces(wire, at)) {
    parser.feed(piece);
    for (let e = parser.next(); e !== null; e = parser.next()) events.push(e);
  }
  if (eof) {
    parser.end();
    for (let e = parser.next(); e !== null; e = parser.next()) events.push(e);
  }
  return events;
}

/** Head, body and trailers out of one message's events. */
function collect(events: ParseEvent[]) {
  const errors = events.filter((e) => e.type === "error");
  expect(errors).toEqual([]);
  const data = events.flatMap((e) => (e.type === "data" ? [e.data] : []));
  const end = events.find((e) => e.type === "end");
  expect(end).toBeDefined();
  expect(events[events.length - 1]).toBe(end);
  return { body: concat(data), trailers: end?.type === "end" ? end.trailers : null };
}

/** The wire bytes of a body under `framing`, with chunk boundaries at `at`. */
function encodeBody(
  framing: BodyFraming,
  bytes: Uint8Array,
  at: number[],
  trailers: [string, string][],
) {
  const enc = createBodyEncoder(framing);
  const out: Uint8Array[] = [];
  for (const piece of pieces(bytes, at)) out.push(...enc.encode(piece));
  out.push(...enc.finish(framing.kind === "chunked" ? trailers : undefined));
  return out;
}

/** The parsed fields without the framing fields the serializer added. */
function withoutFraming(fields: Fields): [string, string][] {
  return fields
    .toJSON()
    .filter(
      ([n]) => !["content-length", "transfer-encoding", "connection"].includes(n.toLowerCase()),
    );
}

describe("serialize then parse (RFC 9112 §2.1)", () => {
  it("property: requests come back with the same method, target, version, fields, body, trailers", () => {
    const method = fc.oneof(
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
      token,
    );
    const target = fc.stringMatching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,30}$/);
    fc.assert(
      fc.property(
        method.filter((m) => m !== "CONNECT" && m !== "TRACE"),
        target,
        version,
        fieldList,
        body,
        fc.boolean(),
        fieldList,
        cuts,
        cuts,
        (method, target, version, fields, bytes, streamed, trailers, bodyCuts, wireCuts) => {
          const unknown = streamed && version === "1.1";
          const framing = chooseFraming({
            kind: "request",
            version,
            method,
            bodyLength: unknown ? null : bytes.length,
          });
          const sent: [string, string][] = [["Host", "example.com:8080"], ...fields];
          const head = serializeRequestHead({ method, target, version, fields: sent }, framing);
          const usableTrailers = framing.kind === "chunked" ? trailers : [];
          const wire = concat([head, ...encodeBody(framing, bytes, bodyCuts, usableTrailers)]);

          const parser = new MessageParser({ kind: "request" });
          const events = parseAll(parser, wire, wireCuts, false);
          const first = events[0];
          expect(first?.type).toBe("request");
          if (first?.type !== "request") return;
          expect(first.head.method).toBe(method);
          expect(first.head.target).toBe(target);
          expect(first.head.version).toBe(version);
          expect(withoutFraming(first.head.fields)).toEqual(sent);
          expect(first.framing.kind).toBe(framing.kind === "none" ? "none" : framing.kind);
          const got = collect(events);
          const expectedBody = framing.kind === "none" ? new Uint8Array(0) : bytes;
          expect(got.body).toEqual(expectedBody);
          expect(got.trailers?.toJSON() ?? []).toEqual(usableTrailers);
          expect(parser.state).toBe("idle");
        },
      ),
      { numRuns: 400 },
    );
  });

  it("property: responses come back with the same status, reason, version, fields, body, trailers", () => {
    const status = fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304);
    const reason = fc.oneof(
      fc.constant(undefined),
      fc.string({ unit: fc.oneof(vchar, fc.constantFrom(" ", "\t")), maxLength: 20 }),
    );
    fc.assert(
      fc.property(
        status,
        reason,
        version,
        version,
        fieldList,
        body,
        fc.boolean(),
        fieldList,
        cuts,
        cuts,
        (
          status,
          reason,
          version,
          requestVersion,
          fields,
          bytes,
          streamed,
          trailers,
          bodyCuts,
          wireCuts,
        ) => {
          const framing = chooseFraming({
            kind: "response",
            version,
            requestVersion,
            status,
            method: "GET",
            bodyLength: streamed ? null : bytes.length,
          });
          const head = serializeResponseHead(
            reason === undefined
              ? { status, version, fields }
              : { status, version, reason, fields },
            framing,
          );
          const usableTrailers = framing.kind === "chunked" ? trailers : [];
          const wire = concat([head, ...encodeBody(framing, bytes, bodyCuts, usableTrailers)]);

          const parser = new MessageParser({ kind: "response" });
          parser.expectResponse("GET");
          // A close-delimited body ends when the connection does (RFC 9112 §6.3 item 8).
          const events = parseAll(parser, wire, wireCuts, framing.kind === "close");
          const first = events[0];
          expect(first?.type).toBe("response");
          if (first?.type !== "response") return;
          expect(first.head.status).toBe(status);
          if (reason !== undefined) expect(first.head.reason).toBe(reason);
          expect(first.head.version).toBe(version);
          expect(withoutFraming(first.head.fields)).toEqual(fields);
          expect(first.framing.kind).toBe(framing.kind);
          const got = collect(events);
          expect(got.body).toEqual(bytes);
          expect(got.trailers?.toJSON() ?? []).toEqual(usableTrailers);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("property: a HEAD response keeps its Content-Length and has no body", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fieldList, (length, fields) => {
        const framing = chooseFraming({ kind: "response", status: 200, method: "HEAD" });
        const sent: [string, string][] = [...fields, ["Content-Length", String(length)]];
        const head = serializeResponseHead({ status: 200, fields: sent }, framing);
        const parser = new MessageParser({ kind: "response" });
        parser.expectResponse("HEAD");
        const events = parseAll(parser, head, [], false);
        expect(events.map((e) => e.type)).toEqual(["response", "end"]);
        const first = events[0];
        if (first?.type === "response") expect(first.head.fields.toJSON()).toEqual(sent);
      }),
      { numRuns: 200 },
    );
  });

  it("RFC 9112 §6.3 item 1: 1xx, 204 and 304 heads parse as bodiless", () => {
    for (const status of [100, 103, 204, 304]) {
      const framing = chooseFraming({ kind: "response", status });
      const head = serializeResponseHead({ status, fields: [["X", "1"]] }, framing);
      const parser = new MessageParser({ kind: "response" });
      parser.expectResponse("GET");
      const types = parseAll(parser, head, [], false).map((e) => e.type);
      expect(types).toEqual(status < 200 ? ["response"] : ["response", "end"]);
    }
  });
});
