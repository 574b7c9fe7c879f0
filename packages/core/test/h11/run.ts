/**
 * A small runner for the h11 port (see ./source.ts for attribution): the
 * compact form of parser events, and scripted exchanges on a
 * ServerConnection or ClientConnection.
 */
import { expect } from "vitest";
import { ClientConnection } from "../../src/client-connection.ts";
import type { ClientEvent, ServerEvent } from "../../src/connection-events.ts";
import type { ConnectionState } from "../../src/connection-state.ts";
import type { ParserLimits } from "../../src/limits.ts";
import type { OutgoingRequestHead, OutgoingResponseHead } from "../../src/serializer.ts";
import { ServerConnection } from "../../src/server-connection.ts";
import { bytes, type Seen, text } from "../parser-helpers.ts";

/** A parser event in one line (see ./parse-cases.ts). */
export function summarize(ev: Seen): string {
  switch (ev.type) {
    case "request":
      return `request ${ev.method} ${ev.target} HTTP/${ev.version} ${ev.framing.kind}${ev.expectContinue ? " expect-continue" : ""}`;
    case "response":
      return `response ${ev.status} ${JSON.stringify(ev.reason)} HTTP/${ev.version} ${ev.framing.kind}${ev.closeAfter ? " close-after" : ""}`;
    case "data":
      return `data ${ev.data}`;
    case "end":
      return ev.trailers === null || ev.trailers.length === 0
        ? "end"
        : `end ${pairs(ev.trailers).join(", ")}`;
    case "switched":
      return `switched ${ev.rest}`;
    case "error":
      return `error ${ev.code} ${ev.status}`;
  }
}

function pairs(flat: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(`${flat[i]}: ${flat[i + 1]}`);
  return out;
}

/** A server connection event in one line. */
export function serverEvent(ev: ServerEvent): string {
  switch (ev.type) {
    case "request":
      return `request ${ev.head.method} ${ev.head.target}${ev.expectContinue ? " expect-continue" : ""}`;
    case "data":
      return `data ${text(ev.data)}`;
    case "end":
      return "end";
    case "error":
      return `error ${ev.error.code} ${ev.error.status}`;
    case "peer-closed":
      return "peer-closed";
  }
}

/** A client connection event in one line. */
export function clientEvent(ev: ClientEvent): string {
  switch (ev.type) {
    case "informational":
      return `informational ${ev.head.status}`;
    case "response":
      return `response ${ev.head.status} ${ev.framing.kind}`;
    case "data":
      return `data ${text(ev.data)}`;
    case "end":
      return ev.persistent ? "end persistent" : "end close";
    case "switched":
      return `switched ${text(ev.rest)}`;
    case "error":
      return `error ${ev.error.code} ${ev.error.status} failed=${ev.failed.map((f) => f.id).join(",")}`;
    case "peer-closed":
      return `peer-closed unanswered=${ev.unanswered.map((f) => f.id).join(",")}`;
  }
}

/** What a step that writes expects: the octets, or a UsageError code. */
export type Wire =
  | { readonly wire?: string; readonly has?: readonly string[] }
  | { readonly throws: string };

/** One step of a scripted exchange. */
export type Step =
  /** The peer sends these octets (latin1). */
  | { readonly recv: string }
  /** The peer closes its side. */
  | { readonly eof: true }
  /** Drain nextEvent(); the events, one line each. */
  | { readonly events: readonly string[] }
  /** Server: answer the oldest request. */
  | ({ readonly respond: OutgoingResponseHead; readonly bodyLength?: number | null } & Wire)
  /** Server: a 1xx interim response. */
  | ({ readonly informational: number } & Wire)
  /** Client: send a request. */
  | ({ readonly request: OutgoingRequestHead; readonly bodyLength?: number | null } & Wire)
  /** Body octets of our message. */
  | ({ readonly send: string } & Wire)
  /** End of our message. */
  | ({ readonly sendEnd: true } & Wire)
  /** The connection's state (and, when given, its close reason). */
  | { readonly state: ConnectionState; readonly closeReason?: string | null }
  /** After a switch: the octets received that belong to the new protocol. */
  | { readonly rest: string };

/**
 * Server steps: a 200 with no content that keeps the connection open
 * (exactly `HTTP/1.1 200 OK`, `Content-Length: 0`), sent whole.
 */
export function answersEmpty(): Step[] {
  return [
    {
      respond: { status: 200 },
      bodyLength: 0,
      wire: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    },
    { sendEnd: true },
  ];
}

/**
 * Server steps: the error answer `status` with no content, which says
 * `Connection: close`, sent whole; the connection then must close.
 */
export function answersAndCloses(status: number): Step[] {
  return [
    {
      respond: { status },
      bodyLength: 0,
      has: [`HTTP/1.1 ${status} `, "\r\nConnection: close\r\n"],
    },
    { sendEnd: true },
    { state: "must-close" },
  ];
}

/** A scripted exchange ported from h11. */
export interface ScriptCase {
  readonly rfc: string;
  readonly title: string;
  /** The h11 test it was ported from (`file::test`). */
  readonly from: string;
  readonly limits?: Partial<ParserLimits>;
  readonly steps: readonly Step[];
  /** Set when h11 behaves otherwise: what h11 does, and why Tether differs. */
  readonly difference?: string;
}

type Conn = ServerConnection | ClientConnection;

function wrote(step: Wire, write: () => Uint8Array | Uint8Array[], where: string): void {
  if ("throws" in step) {
    expect(write, where).toThrow(expect.objectContaining({ code: step.throws }));
    return;
  }
  const out = write();
  const got = (Array.isArray(out) ? out : [out]).map((b) => text(b)).join("");
  if (step.wire !== undefined) expect(got, where).toBe(step.wire);
  for (const part of step.has ?? []) expect(got, where).toContain(part);
}

function drain(conn: Conn): string[] {
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    if (conn instanceof ServerConnection) {
      const ev = conn.nextEvent();
      if (ev === null) return out;
      out.push(serverEvent(ev));
    } else {
      const ev = conn.nextEvent();
      if (ev === null) return out;
      out.push(clientEvent(ev));
    }
  }
  throw new Error("nextEvent() did not return null");
}

/** Runs a script on a fresh connection of the given role. */
export function runScript(role: "server" | "client", c: ScriptCase): void {
  const options = c.limits === undefined ? {} : { limits: c.limits };
  const conn: Conn =
    role === "server" ? new ServerConnection(options) : new ClientConnection(options);
  c.steps.forEach((step, i) => {
    const where = `step ${i}: ${JSON.stringify(step)}`;
    if ("recv" in step) conn.receive(bytes(step.recv));
    else if ("eof" in step) conn.receiveEnd();
    else if ("events" in step) expect(drain(conn), where).toEqual(step.events);
    else if ("respond" in step) {
      const s = conn as ServerConnection;
      const options = step.bodyLength === undefined ? {} : { bodyLength: step.bodyLength };
      wrote(step, () => s.respond(step.respond, options), where);
    } else if ("informational" in step) {
      const s = conn as ServerConnection;
      wrote(step, () => s.sendInformational(step.informational), where);
    } else if ("request" in step) {
      const cl = conn as ClientConnection;
      const options = step.bodyLength === undefined ? {} : { bodyLength: step.bodyLength };
      wrote(step, () => cl.request(step.request, options).bytes, where);
    } else if ("send" in step) wrote(step, () => conn.sendData(bytes(step.send)), where);
    else if ("sendEnd" in step) wrote(step, () => conn.sendEnd(), where);
    else if ("state" in step) {
      expect(conn.state, where).toBe(step.state);
      if (step.closeReason !== undefined) expect(conn.closeReason, where).toBe(step.closeReason);
    } else expect(text(conn.takeRest()), where).toBe(step.rest);
  });
}
