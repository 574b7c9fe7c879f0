/**
 * The response queue of a connection (response-queue.ts): handlers of
 * pipelined requests answer in any order, and the answers go out strictly
 * in request order (RFC 9112 §9.3.2) — also over long runs whose queue
 * never empties (new requests are read as old ones are answered, and the
 * queue's taken part is cut off as it goes). A connection that closes
 * aborts exactly the exchanges still waiting.
 */
import { ServerSession } from "@tether/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wholeMs } from "../src/clock.ts";
import { ServerConnectionDriver } from "../src/server-connection-driver.ts";
import type { ServerExchange } from "../src/server-exchange.ts";
import { TestSocket as Socket, testHost } from "./driver-host.ts";

const enc = new TextEncoder();

/** A driver whose handlers hold their exchanges until the test answers them. */
function setup(maxPipelinedRequests: number) {
  const held: ServerExchange[] = [];
  const driver = new ServerConnectionDriver(
    testHost(() => new ServerSession(1, wholeMs(), { maxPipelinedRequests }), {
      dispatch: (ex: ServerExchange) => {
        held.push(ex);
      },
    }),
  );
  const socket = new Socket();
  driver.open(socket);
  return { driver, socket, held };
}

/** The bodies of the answers written, in order (each answer's body is its request's target). */
function bodies(wire: string): string[] {
  return wire
    .split("HTTP/1.1 200 OK\r\n")
    .slice(1)
    .map((answer) => answer.slice(answer.indexOf("\r\n\r\n") + 4));
}

const GET = (n: number) => `GET /${n} HTTP/1.1\r\nHost: a\r\n\r\n`;

describe("ResponseQueue: answers in request order (RFC 9112 §9.3.2)", () => {
  it("RFC 9112 §9.3.2: handlers answering in any order over a queue that never empties", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        (maxPipelined, count, picks) => {
          const { driver, socket, held } = setup(maxPipelined);
          driver.data(enc.encode(Array.from({ length: count }, (_, i) => GET(i)).join("")));
          const waiting = [...held];
          let seen = held.length;
          for (let turn = 0; waiting.length > 0; turn++) {
            // Any waiting handler answers next; answering frees read-ahead room.
            const [ex] = waiting.splice((picks[turn % picks.length] as number) % waiting.length, 1);
            (ex as ServerExchange).respond(200, undefined, (ex as ServerExchange).head.target);
            waiting.push(...held.slice(seen));
            seen = held.length;
          }
          expect(held.length).toBe(count);
          expect(bodies(socket.out)).toEqual(Array.from({ length: count }, (_, i) => `/${i}`));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("RFC 9112 §9.6: a connection that closes aborts the exchanges still queued, not those written", () => {
    const { driver, socket, held } = setup(40);
    driver.data(enc.encode(Array.from({ length: 40 }, (_, i) => GET(i)).join("")));
    expect(held.length).toBe(40);
    // Answer the first 20 in order (past the queue's cut), and two later ones out of order.
    for (let i = 0; i < 20; i++) (held[i] as ServerExchange).respond(200, undefined, `/${i}`);
    (held[30] as ServerExchange).respond(200, undefined, "/30");
    (held[25] as ServerExchange).respond(200, undefined, "/25");
    expect(bodies(socket.out)).toEqual(Array.from({ length: 20 }, (_, i) => `/${i}`));
    driver.close();
    const aborted = held.map((ex) => ex.signal.aborted);
    expect(aborted.slice(0, 20).every((a) => !a)).toBe(true);
    expect(aborted.slice(20).every((a) => a)).toBe(true);
  });
});
