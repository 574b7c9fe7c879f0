/**
 * The event grammar of MessageParser (parser.ts, message.ts) as a checker,
 * plus what an accepted head promises about its syntax and framing. Fed
 * every event of a run; throws a {@link Violation} at the first event that
 * breaks a rule.
 *
 *     stream   = *( message ) [ error ]
 *     message  = head *data end            ; framing none/length/chunked/close
 *              / interim-head              ; 1xx (not 101): a head alone
 *              / tunnel-head switched      ; 101, 2xx to CONNECT
 */
import { ERROR_STATUS, ProtocolError } from "../src/errors.ts";
import type { Fields } from "../src/fields.ts";
import type { BodyFraming, ParseEvent } from "../src/message.ts";
import { type TargetName, Violation } from "./violation.ts";

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field-value octets (VCHAR, obs-text, SP, HTAB); no CR, LF, NUL or other CTL. */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** RFC 9112 §3.2: request-target octets are visible ASCII. */
const TARGET = /^[\x21-\x7e]+$/;

type Phase = "head" | "body" | "tunnel" | "switched" | "error";

/** Checks the events of one parser run, in order. */
export class EventGrammar {
  private phase: Phase = "head";
  private framing: BodyFraming = { kind: "none" };
  private bodyOctets = 0;
  private readonly target: TargetName;
  private readonly request: boolean;

  constructor(kind: "request" | "response") {
    this.request = kind === "request";
    this.target = this.request ? "request-parser" : "response-parser";
  }

  private fail(message: string, expected: string, got: string): never {
    throw new Violation("invariant", this.target, message, expected, got);
  }

  /** Checks one event against the grammar and the head rules. */
  on(ev: ParseEvent, method: string): void {
    if (this.phase === "error" || this.phase === "switched") {
      this.fail(`${ev.type} event after ${this.phase}`, "no event after error/switched", ev.type);
    }
    switch (ev.type) {
      case "error":
        this.checkError(ev.error);
        this.phase = "error";
        return;
      case "request":
      case "response":
        if (this.phase !== "head") this.fail(`head while in ${this.phase}`, "head", ev.type);
        if (ev.type === "request") this.checkRequest(ev);
        else this.checkResponse(ev, method);
        this.framing = ev.framing;
        this.bodyOctets = 0;
        if (ev.type === "response" && ev.interim) return;
        this.phase = ev.framing.kind === "tunnel" ? "tunnel" : "body";
        return;
      case "data":
        if (this.phase !== "body")
          this.fail(`data while in ${this.phase}`, "data in a body", "data");
        if (this.framing.kind === "none") this.fail("data for framing none", "no data", "data");
        this.bodyOctets += ev.data.length;
        if (this.framing.kind === "length" && this.bodyOctets > this.framing.length) {
          this.fail(
            "more body octets than Content-Length",
            String(this.framing.length),
            String(this.bodyOctets),
          );
        }
        return;
      case "end":
        if (this.phase !== "body")
          this.fail(`end while in ${this.phase}`, "end after a body", "end");
        if (this.framing.kind === "length" && this.bodyOctets !== this.framing.length) {
          this.fail(
            "end before Content-Length octets",
            String(this.framing.length),
            String(this.bodyOctets),
          );
        }
        if (ev.trailers !== null) this.checkFields(ev.trailers, "trailer");
        this.phase = "head";
        return;
      case "switched":
        if (this.phase !== "tunnel") {
          this.fail(`switched while in ${this.phase}`, "switched after a tunnel head", "switched");
        }
        this.phase = "switched";
        return;
    }
  }

  private checkError(error: unknown): void {
    if (!(error instanceof ProtocolError)) {
      this.fail("error event without a ProtocolError", "ProtocolError", String(error));
    }
    if (ERROR_STATUS[error.code] !== error.status) {
      this.fail(
        `error ${error.code} with status ${error.status}`,
        String(ERROR_STATUS[error.code]),
        String(error.status),
      );
    }
  }

  private checkFields(fields: Fields, what: string): void {
    const raw = fields.raw;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const value = raw[i + 1] as string;
      if (!TCHAR.test(name)) this.fail(`${what} name is not a token`, "token", name);
      if (!VALUE.test(value))
        this.fail(`${what} value has a forbidden octet`, "field-value", value);
      if (/^[ \t]|[ \t]$/.test(value)) {
        this.fail(`${what} value keeps surrounding whitespace`, "trimmed value", value);
      }
    }
  }

  /** RFC 9112 §6.1–§6.3 and §3: what an accepted request promises. */
  private checkRequest(ev: Extract<ParseEvent, { type: "request" }>): void {
    const h = ev.head;
    if (!this.request) this.fail("request event from a response parser", "response", "request");
    if (!TCHAR.test(h.method)) this.fail("method is not a token", "token", h.method);
    if (!TARGET.test(h.target)) this.fail("target has a forbidden octet", "VCHAR+", h.target);
    this.checkFields(h.fields, "field");
    const f = h.fields;
    if (h.minor >= 1 && f.count("host") !== 1) {
      this.fail("HTTP/1.1 request accepted without exactly one Host", "1", String(f.count("host")));
    }
    const te = f.has("transfer-encoding");
    const cl = f.has("content-length");
    const kind = ev.framing.kind;
    if (h.method === "CONNECT") {
      if (kind !== "none") this.fail("CONNECT request with a body framing", "none", kind);
      return;
    }
    if (te && cl) this.fail("request accepted with both TE and CL", "400", kind);
    if (te && h.minor === 0) this.fail("HTTP/1.0 request accepted with TE", "400", kind);
    if (te !== (kind === "chunked")) this.fail("TE and chunked framing disagree", String(te), kind);
    if (kind === "close" || kind === "tunnel") this.fail(`request framed as ${kind}`, "not", kind);
    if (kind === "length") this.checkContentLength(f, ev.framing.length);
    else if (kind === "none" && cl) this.fail("Content-Length ignored", "length", kind);
  }

  /** RFC 9112 §6.3 items 1–2, RFC 9110 §15: what an accepted response promises. */
  private checkResponse(ev: Extract<ParseEvent, { type: "response" }>, method: string): void {
    const h = ev.head;
    if (this.request) this.fail("response event from a request parser", "request", "response");
    if (h.status < 100 || h.status > 999)
      this.fail("status out of range", "100-999", String(h.status));
    if (!VALUE.test(h.reason)) this.fail("reason has a forbidden octet", "reason", h.reason);
    this.checkFields(h.fields, "field");
    const kind = ev.framing.kind;
    const interim = h.status < 200 && h.status !== 101;
    if (ev.interim !== interim)
      this.fail("interim flag wrong", String(interim), String(ev.interim));
    // RFC 9110 §15.2.2: after a 101 the connection speaks the new protocol,
    // whatever the method; RFC 9112 §6.3 item 2: so after a 2xx to CONNECT.
    if (h.status === 101 || (method === "CONNECT" && h.status >= 200 && h.status < 300)) {
      if (kind !== "tunnel") {
        this.fail(`status ${h.status} to ${method} not a tunnel`, "tunnel", kind);
      }
    } else if (interim || h.status === 204 || h.status === 304 || method === "HEAD") {
      if (kind !== "none") this.fail(`status ${h.status} to ${method} with a body`, "none", kind);
    } else if (kind === "length") this.checkContentLength(h.fields, ev.framing.length);
    else if (kind === "chunked" && !h.fields.has("transfer-encoding")) {
      this.fail("chunked framing without Transfer-Encoding", "TE", kind);
    }
  }

  /** RFC 9110 §8.6: every Content-Length value (list members too) equals the framing length. */
  private checkContentLength(f: Fields, length: number): void {
    const values = f
      .getAll("content-length")
      .flatMap((v) => v.split(","))
      .map((v) => v.trim());
    if (values.length === 0) this.fail("length framing without Content-Length", "CL", "none");
    for (const v of values) {
      if (!/^\d+$/.test(v) || Number(v) !== length) {
        this.fail("Content-Length value differs from the framing", String(length), v);
      }
    }
  }
}
