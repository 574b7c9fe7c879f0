/**
 * The ClientConnection oracle: requests are sent by a scripted caller while
 * an input (a server's bytes, in chunks) arrives; then the server closes.
 * Rules:
 * - `receive`, `receiveEnd` and `nextEvent` never throw; the caller's calls
 *   (`request`, `sendData`, `sendEnd`) throw nothing but a UsageError;
 * - events name the oldest unanswered exchange, in order; `end`/`switched`
 *   retire it; `error` events carry a ProtocolError;
 * - the connection ends exactly once: at most one `error` or `peer-closed`,
 *   nothing after it, and after the server's close it is `must-close` (or
 *   `switched`).
 */
import { ClientConnection } from "../src/client-connection.ts";
import type { ClientEvent } from "../src/connection-events.ts";
import { ProtocolError, UsageError } from "../src/errors.ts";
import { SMALL_LIMITS } from "./parser-oracle.ts";
import type { Step } from "./session-oracle.ts";
import { cutInto, thrown, Violation } from "./violation.ts";

/** How to run a client connection over one input. */
export interface ClientCase {
  readonly cuts: readonly number[];
  readonly program: readonly Step[];
  readonly smallLimits: boolean;
}

/** Requests the scripted caller sends: method, fields, body length. */
const REQUESTS: readonly (readonly [string, [string, string][], number | null | undefined])[] = [
  ["GET", [], undefined],
  ["HEAD", [], undefined],
  ["POST", [], 3],
  ["CONNECT", [], undefined],
  [
    "GET",
    [
      ["Connection", "upgrade"],
      ["Upgrade", "x"],
    ],
    undefined,
  ],
  ["POST", [], null],
  ["GET", [["Connection", "close"]], undefined],
];

/** A program for replays: send a request, deliver a piece, finish bodies. */
const DEFAULT_CLIENT_PROGRAM_CYCLE: readonly Step[] = [
  [1, 0],
  [2, 0],
  [3, 0],
  [0, 0],
];
export const DEFAULT_CLIENT_PROGRAM: readonly Step[] = Array.from(
  { length: 24 },
  (_, i) => DEFAULT_CLIENT_PROGRAM_CYCLE[i % DEFAULT_CLIENT_PROGRAM_CYCLE.length] as Step,
);

const T = "client-connection" as const;
const TERMINAL = new Set(["error", "peer-closed"]);

/** Runs one input through a client connection and its close (all checks above). */
export function checkClient(input: Uint8Array, c: ClientCase): void {
  const pieces = cutInto(input, c.cuts);
  let budget = 4 * input.length + 64;
  const unanswered: number[] = [];
  let terminal = 0;
  let next = 0;
  let where = "new ClientConnection()";
  const fail = (message: string, expected = "", got = ""): never => {
    throw new Violation("invariant", T, message, expected, got);
  };
  try {
    const conn = new ClientConnection(c.smallLimits ? { limits: SMALL_LIMITS } : {});
    const check = (ev: ClientEvent): void => {
      if (terminal > 0) fail(`${ev.type} event after the connection ended`, "nothing", ev.type);
      if (TERMINAL.has(ev.type)) {
        terminal++;
        unanswered.length = 0;
        if (ev.type === "error" && !(ev.error instanceof ProtocolError)) {
          fail("error event without ProtocolError");
        }
        if (conn.state !== "must-close") fail(`state after ${ev.type}`, "must-close", conn.state);
        return;
      }
      const oldest = unanswered[0];
      if (!("id" in ev) || ev.id !== oldest) {
        fail(`${ev.type} for the wrong exchange`, String(oldest), "id" in ev ? String(ev.id) : "-");
      }
      if (ev.type === "end" || ev.type === "switched") unanswered.shift();
      if (ev.type === "switched" && conn.state !== "switched") {
        fail("switched event but state", "switched", conn.state);
      }
    };
    const drain = (): void => {
      for (;;) {
        where = "nextEvent()";
        const ev = conn.nextEvent();
        if (ev === null) return;
        if (--budget < 0) fail("nextEvent() keeps returning events", "bounded", "more");
        check(ev);
      }
    };
    const app = (name: string, call: () => void): void => {
      try {
        call();
      } catch (e) {
        if (!(e instanceof UsageError)) throw thrown(T, name, e);
      }
      drain();
    };
    for (const [op, arg] of c.program) {
      switch (op % 6) {
        case 0:
          if (next < pieces.length) {
            const piece = pieces[next++] as Uint8Array;
            where = "receive()";
            conn.receive(piece);
            drain();
          }
          break;
        case 1: {
          const [method, fields, bodyLength] = REQUESTS[arg % REQUESTS.length]!;
          app("request()", () => {
            const { id } = conn.request(
              {
                method,
                target: method === "CONNECT" ? "example.com:443" : "/",
                fields: [
                  ["Host", method === "CONNECT" ? "example.com:443" : "example.com"],
                  ...fields,
                ],
              },
              { bodyLength },
            );
            unanswered.push(id);
          });
          break;
        }
        case 2:
          app("sendData()", () => conn.sendData(new Uint8Array(1 + (arg % 3)).fill(0x62)));
          break;
        case 3:
          app("sendEnd()", () => conn.sendEnd());
          break;
        case 4:
          where = "receiveEnd()";
          conn.receiveEnd();
          drain();
          break;
        default:
          where = "closeAfterCurrent()";
          conn.closeAfterCurrent("shutdown");
          drain();
      }
    }
    while (next < pieces.length) {
      where = "receive()";
      conn.receive(pieces[next++] as Uint8Array);
      drain();
    }
    where = "receiveEnd()";
    conn.receiveEnd();
    drain();
    if (conn.state !== "must-close" && conn.state !== "switched") {
      fail("connection not ended after the server closed", "must-close", conn.state);
    }
    if (terminal > 1) fail("the connection ended more than once", "1", String(terminal));
  } catch (e) {
    throw thrown(T, where, e);
  }
}
