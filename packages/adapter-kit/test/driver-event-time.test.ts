/**
 * The connection driver stamps socket events with the socket's own clock
 * when it offers one (`RawSocket.eventTime`, e.g. Deno's, read once per
 * turn of the event loop), else with the monotonic clock: the session's
 * deadlines count from those stamps. A scripted clock stands in for time,
 * so nothing waits on a real one.
 */
import { ServerSession } from "@tether/core";
import { describe, expect, it } from "vitest";
import { wholeMs } from "../src/clock.ts";
import { ServerConnectionDriver } from "../src/server-connection-driver.ts";
import type { RawSocket } from "../src/socket-layer.ts";
import { testHost } from "./driver-host.ts";

const enc = new TextEncoder();
const KEEP_ALIVE_MS = 60_000;
const HEADERS_MS = 30_000;

/** A socket with a clock of its own, set by the test. */
class ClockedSocket implements RawSocket {
  readonly remoteAddress = "192.0.2.1";
  readonly remotePort = 40_000;
  readonly localPort = 80;
  time = wholeMs();
  stamps = 0;
  written = "";
  eventTime(): number {
    this.stamps++;
    return this.time;
  }
  write(chunks: readonly Uint8Array[]): boolean {
    for (const c of chunks) this.written += new TextDecoder("latin1").decode(c);
    return true;
  }
  shutdownWrite(): void {}
  close(): void {}
  pauseRead(): void {}
  resumeRead(): void {}
}

function setup() {
  const socket = new ClockedSocket();
  let session: ServerSession | null = null;
  const host = testHost(() => {
    session = new ServerSession(1, socket.time, {
      keepAliveTimeoutMs: KEEP_ALIVE_MS,
      headersTimeoutMs: HEADERS_MS,
    });
    return session;
  });
  const driver = new ServerConnectionDriver(host);
  driver.open(socket);
  const done = () => host.deadlines.remove(driver);
  return { driver, socket, session: () => session as unknown as ServerSession, done };
}

describe("ServerConnectionDriver: the socket's event clock", () => {
  it("RFC 9110 §15.5.9: a partial head's timeout counts from the read's stamp", () => {
    const t = setup();
    t.socket.time += 10_000;
    t.driver.data(enc.encode("GET / HTTP/1.1\r\nHo"));
    expect(t.socket.stamps).toBe(1);
    expect(t.session().nextDeadline()).toBe(t.socket.time + HEADERS_MS);
    t.done();
  });

  it("RFC 9112 §9.5: after an idle gap the next request restarts the idle timeout from its own stamp", () => {
    const t = setup();
    const start = t.socket.time;
    t.driver.data(enc.encode("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(t.session().nextDeadline()).toBe(start + KEEP_ALIVE_MS);
    t.socket.time = start + 50_000; // idle, but not for long enough
    t.driver.data(enc.encode("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
    expect(t.socket.written.match(/HTTP\/1\.1 200/g)?.length).toBe(2);
    expect(t.session().nextDeadline()).toBe(start + 50_000 + KEEP_ALIVE_MS);
    t.done();
  });

  it("RFC 9112 §9.6: the peer's FIN is stamped by the socket's clock too", () => {
    const t = setup();
    t.driver.data(enc.encode("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"));
    const before = t.socket.stamps;
    t.driver.end();
    expect(t.socket.stamps).toBe(before + 1);
    t.driver.close();
    t.done();
  });
});
