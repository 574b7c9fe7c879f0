/**
 * Idle compaction through the connection driver: the server's deadline
 * queue wakes an idle connection, its session compacts and the driver
 * drops its response queue; the next input is served as if nothing had
 * happened. The session compacts at once here (`compactIdleAfterMs: 0`)
 * and the test plays the deadline queue's part (`deadlineReached()`), so
 * nothing waits on a real clock.
 */
import { ServerSession } from "@tether/core";
import { describe, expect, it } from "vitest";
import { wholeMs } from "../src/clock.ts";
import { ServerConnectionDriver } from "../src/server-connection-driver.ts";
import type { ServerExchange } from "../src/server-exchange.ts";
import { TestSocket as Socket, testHost } from "./driver-host.ts";

const enc = new TextEncoder();

function setup(options: { maxRequestsPerConnection?: number } = {}) {
  const requests: number[] = [];
  let session: ServerSession | null = null;
  let closed = 0;
  const host = testHost(
    () => {
      session = new ServerSession(1, wholeMs(), {
        compactIdleAfterMs: 0,
        advertiseKeepAlive: true,
        ...options,
      });
      return session;
    },
    {
      dispatch: (ex: ServerExchange) => {
        requests.push(ex.info.requestNumber);
        ex.respond(200, undefined, "ok");
      },
      closed: () => {
        closed++;
      },
    },
  );
  const driver = new ServerConnectionDriver(host);
  const socket = new Socket();
  driver.open(socket);
  const s = () => session as unknown as ServerSession;
  return { driver, socket, requests, session: s, closedCount: () => closed, host };
}

const GET = (path: string) => enc.encode(`GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);

describe("ServerConnectionDriver: idle compaction", () => {
  it("RFC 9112 §9.3: a request after compaction is served with the next request number", () => {
    const t = setup();
    t.driver.data(GET("/1"));
    t.driver.deadlineReached();
    expect(t.session().compacted).toBe(true);
    // The response queue went with it (read through the private field: test only).
    expect((t.driver as unknown as { responses: unknown }).responses).toBeNull();
    t.driver.data(GET("/2"));
    expect(t.requests).toEqual([1, 2]);
    expect(t.socket.out.match(/HTTP\/1\.1 200/g)?.length).toBe(2);
    expect(t.session().requestsAnswered).toBe(2);
    t.host.deadlines.remove(t.driver);
  });

  it("RFC 9112 §9.6: the request limit counts across compactions", () => {
    const t = setup({ maxRequestsPerConnection: 2 });
    t.driver.data(GET("/1"));
    t.driver.deadlineReached();
    t.driver.data(GET("/2"));
    expect(t.socket.out).toContain("Keep-Alive: timeout=5, max=1\r\n");
    expect(t.socket.out).toContain("Connection: close\r\n");
    expect(t.socket.ended).toBe(true);
    t.host.deadlines.remove(t.driver);
  });

  it("RFC 9112 §9.6: the peer's FIN while compacted closes the connection", () => {
    const t = setup();
    t.driver.data(GET("/1"));
    t.driver.deadlineReached();
    expect(t.session().compacted).toBe(true);
    t.driver.end();
    expect(t.socket.closed).toBe(true);
    t.driver.close();
    expect(t.closedCount()).toBe(1);
    expect(t.host.deadlines.size).toBe(0);
  });

  it("a reset while compacted closes once and leaves nothing queued", () => {
    const t = setup();
    t.driver.data(GET("/1"));
    t.driver.deadlineReached();
    t.driver.close(new Error("ECONNRESET"));
    expect(t.session().state).toBe("closed");
    expect(t.closedCount()).toBe(1);
    expect(t.host.deadlines.size).toBe(0);
  });

  it("RFC 9112 §9.6: a graceful shutdown of a compacted connection closes it at once", () => {
    const t = setup();
    t.driver.data(GET("/1"));
    t.driver.deadlineReached();
    t.session().shutdown(wholeMs());
    t.driver.run();
    expect(t.socket.ended).toBe(true);
    expect(t.socket.out.match(/HTTP\/1\.1 200/g)?.length).toBe(1);
    t.driver.end();
    expect(t.socket.closed).toBe(true);
    t.driver.close();
    expect(t.host.deadlines.size).toBe(0);
  });
});
