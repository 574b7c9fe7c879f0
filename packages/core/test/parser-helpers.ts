/**
 * Helpers for the MessageParser tests: feed text (latin1), collect events in
 * a compact, comparable form.
 */
import type { ProtocolErrorCode } from "../src/errors.ts";
import type { ParserLimits } from "../src/limits.ts";
import type { BodyFraming, ParseEvent } from "../src/message.ts";
import { MessageParser, type ParserState } from "../src/parser.ts";

/** Latin1 octets of a string (one octet per code unit, which must be ≤ 0xFF). */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Latin1 text of some octets. */
export function text(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i] as number);
  return out;
}

/** An event reduced to plain data. */
export type Seen =
  | {
      type: "request";
      method: string;
      target: string;
      form: string;
      version: string;
      minor: number;
      fields: string[];
      framing: BodyFraming;
      expectContinue: boolean;
    }
  | {
      type: "response";
      status: number;
      reason: string;
      version: string;
      minor: number;
      fields: string[];
      framing: BodyFraming;
      interim: boolean;
      closeAfter: boolean;
    }
  | { type: "data"; data: string }
  | { type: "end"; trailers: string[] | null }
  | { type: "switched"; rest: string }
  | { type: "error"; code: ProtocolErrorCode; status: number };

/** Reduces an event to plain data. */
export function see(ev: ParseEvent): Seen {
  switch (ev.type) {
    case "request":
      return {
        type: "request",
        method: ev.head.method,
        target: ev.head.target,
        form: ev.head.targetForm,
        version: ev.head.version,
        minor: ev.head.minor,
        fields: ev.head.fields.raw.slice(),
        framing: { ...ev.framing },
        expectContinue: ev.expectContinue,
      };
    case "response":
      return {
        type: "response",
        status: ev.head.status,
        reason: ev.head.reason,
        version: ev.head.version,
        minor: ev.head.minor,
        fields: ev.head.fields.raw.slice(),
        framing: { ...ev.framing },
        interim: ev.interim,
        closeAfter: ev.closeAfter === true,
      };
    case "data":
      return { type: "data", data: text(ev.data) };
    case "end":
      return { type: "end", trailers: ev.trailers === null ? null : ev.trailers.raw.slice() };
    case "switched":
      return { type: "switched", rest: text(ev.rest) };
    case "error":
      return { type: "error", code: ev.error.code, status: ev.error.status };
  }
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Methods for expectResponse(), in order. */
  readonly methods?: readonly string[];
  /** Call end() after feeding. */
  readonly end?: boolean;
  readonly lenient?: boolean;
  readonly limits?: Partial<ParserLimits>;
  /** Feed the whole input at once (default) or one octet at a time. */
  readonly feed?: "whole" | "octets";
}

/** What a run produced. */
export interface RunResult {
  readonly events: Seen[];
  readonly state: ParserState;
  readonly buffered: number;
  readonly parser: MessageParser;
}

/** Merges adjacent data events (chunking-independent form). */
export function merged(events: readonly Seen[]): Seen[] {
  const out: Seen[] = [];
  for (const ev of events) {
    const last = out[out.length - 1];
    if (ev.type === "data" && last?.type === "data") {
      out[out.length - 1] = { type: "data", data: last.data + ev.data };
    } else if (!(ev.type === "data" && ev.data === "")) {
      out.push(ev);
    }
  }
  return out;
}

/** Drains next() (bounded, so a bug cannot hang a test). */
export function drain(parser: MessageParser, into: Seen[]): void {
  for (let i = 0; i < 100_000; i++) {
    const ev = parser.next();
    if (ev === null) return;
    into.push(see(ev));
  }
  throw new Error("next() did not return null after 100000 events");
}

/** Parses `input` and returns the events (data merged) and the final state. */
export function run(
  kind: "request" | "response",
  input: string | Uint8Array,
  options: RunOptions = {},
): RunResult {
  const parser = new MessageParser({
    kind,
    lenientLineEndings: options.lenient === true,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  for (const m of options.methods ?? []) parser.expectResponse(m);
  const b = typeof input === "string" ? bytes(input) : input;
  const events: Seen[] = [];
  if (options.feed === "octets") {
    for (let i = 0; i < b.length; i++) {
      if (parser.state === "switched") {
        // Bytes after a switch belong to the new protocol: count them as rest.
        const last = events[events.length - 1];
        if (last?.type === "switched") last.rest += text(b.subarray(i));
        break;
      }
      parser.feed(b.subarray(i, i + 1));
      drain(parser, events);
    }
  } else {
    parser.feed(b);
    drain(parser, events);
  }
  if (options.end === true) {
    parser.end();
    drain(parser, events);
  }
  return { events: merged(events), state: parser.state, buffered: parser.buffered, parser };
}

/** Shorthand: the events of a request parser fed `input` whole, also checked octet by octet. */
export function req(input: string, options: RunOptions = {}): Seen[] {
  const whole = run("request", input, options);
  const octets = run("request", input, { ...options, feed: "octets" });
  if (JSON.stringify(octets.events) !== JSON.stringify(whole.events)) {
    throw new Error(
      `octet-by-octet differs:\n${JSON.stringify(octets.events)}\n${JSON.stringify(whole.events)}`,
    );
  }
  return whole.events;
}

/** Shorthand: the events of a response parser, also checked octet by octet. */
export function res(
  input: string,
  methods: readonly string[] = [],
  options: RunOptions = {},
): Seen[] {
  const o = { ...options, methods };
  const whole = run("response", input, o);
  const octets = run("response", input, { ...o, feed: "octets" });
  if (JSON.stringify(octets.events) !== JSON.stringify(whole.events)) {
    throw new Error(
      `octet-by-octet differs:\n${JSON.stringify(octets.events)}\n${JSON.stringify(whole.events)}`,
    );
  }
  return whole.events;
}

/** The error code of the first error event, or null. */
export function errorOf(events: readonly Seen[]): ProtocolErrorCode | null {
  for (const ev of events) if (ev.type === "error") return ev.code;
  return null;
}

/** The first request event (throws if none). */
export function firstRequest(events: readonly Seen[]): Extract<Seen, { type: "request" }> {
  const ev = events.find((e) => e.type === "request");
  if (ev === undefined || ev.type !== "request") {
    throw new Error(`no request event: ${JSON.stringify(events)}`);
  }
  return ev;
}

/** The first response event (throws if none). */
export function firstResponse(events: readonly Seen[]): Extract<Seen, { type: "response" }> {
  const ev = events.find((e) => e.type === "response");
  if (ev === undefined || ev.type !== "response") {
    throw new Error(`no response event: ${JSON.stringify(events)}`);
  }
  return ev;
}

/** A minimal valid HTTP/1.1 request head with the given request-line. */
export function withHost(requestLine: string, fields = ""): string {
  return `${requestLine}\r\nHost: example.com\r\n${fields}\r\n`;
}
