/**
 * The connection driver tells the session when its writes went through
 * (`writable`) and goes round once more only when that left actions to
 * carry out (`ServerSession.actionsWaiting`): the close after a last
 * answer (RFC 9112 §9.6) must never be left undone, whether the socket
 * takes the answer at once or only after a `drain`.
 */
import { ServerSession } from "@tether/core";
import { describe, expect, it } from "vitest";
import { ServerConnectionDriver } from "../src/server-connection-driver.ts";
import type { RawSocket } from "../src/socket-layer.ts";
import { testHost } from "./driver-host.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");

/** A socket that records what is done to it; it refuses more bytes while `full`. */
class RecordingSocket implements RawSocket {
  readonly remoteAddress = "192.0.2.1";
  readonly remotePort = 40_000;
  readonly localPort = 80;
  full = false;
  written = "";
  /** Writes and closes, in order (read pauses and resumes are the session's read flow, not looked at here). */
  calls: string[] = [];
  write(chunks: readonly Uint8Array[]): boolean {
    for (const c of chunks) this.written += dec.decode(c);
    this.calls.push("write");
    return !this.full;
  }
  shutdownWrite(): void {
    this.calls.push("shutdown-write");
  }
  close(): void {
    this.calls.push("close");
  }
  pauseRead(): void {}
  resumeRead(): void {}
}

function setup(full = false) {
  const socket = new RecordingSocket();
  socket.full = full;
  const host = testHost(() => new ServerSession(1, 0));
  const driver = new ServerConnectionDriver(host);
  driver.open(socket);
  const done = () => host.deadlines.remove(driver);
  return { driver, socket, done };
}

const CLOSE = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
const KEEP = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

describe("ServerConnectionDriver: actions after the writes went through", () => {
  it("RFC 9112 §9.6: the last answer taken at once is followed by the half close in the same turn", () => {
    const t = setup();
    t.driver.data(enc.encode(CLOSE));
    expect(t.socket.written).toContain("Connection: close\r\n");
    expect(t.socket.calls).toEqual(["write", "shutdown-write"]);
    t.driver.end();
    expect(t.socket.calls).toEqual(["write", "shutdown-write", "close"]);
    t.done();
  });

  it("RFC 9112 §9.3: a keep-alive answer taken at once leaves nothing more to do", () => {
    const t = setup();
    t.driver.data(enc.encode(KEEP));
    t.driver.data(enc.encode(KEEP));
    expect(t.socket.calls).toEqual(["write", "write"]);
    t.done();
  });

  it("RFC 9112 §9.3.2, §9.6: pipelined answers, the last saying close, then the half close", () => {
    const t = setup();
    t.driver.data(enc.encode(KEEP + KEEP + CLOSE));
    expect(t.socket.written.split("HTTP/1.1 200").length - 1).toBe(3);
    expect(t.socket.calls.at(-1)).toBe("shutdown-write");
    expect(t.socket.calls.filter((c) => c === "shutdown-write")).toHaveLength(1);
    t.done();
  });

  it("RFC 9112 §9.6: an answer the socket takes only after a drain is followed by the half close then", () => {
    const t = setup(true);
    t.driver.data(enc.encode(CLOSE));
    expect(t.socket.calls).toEqual(["write"]);
    t.socket.full = false;
    t.driver.drain();
    expect(t.socket.calls).toEqual(["write", "shutdown-write"]);
    t.done();
  });
});
