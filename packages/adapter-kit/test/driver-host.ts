/**
 * A {@link DriverHost} for driver tests: sessions from `admit`, every
 * request answered `200 ok`, no read copied; `overrides` replace any part.
 */
import type { ServerSession } from "@tether/core";
import type { ConnectionEvent } from "../src/api.ts";
import { DeadlineQueue } from "../src/deadline-queue.ts";
import { Listeners } from "../src/listeners.ts";
import type { DriverHost, ServerConnectionDriver } from "../src/server-connection-driver.ts";
import type { ServerExchange } from "../src/server-exchange.ts";
import type { RawSocket } from "../src/socket-layer.ts";

export function testHost(
  admit: () => ServerSession,
  overrides: Partial<DriverHost> = {},
): DriverHost {
  return {
    admit,
    dispatch: (ex: ServerExchange) => {
      ex.respond(200, undefined, "ok");
    },
    closed: () => {},
    events: new Listeners<ConnectionEvent>(),
    deadlines: new DeadlineQueue<ServerConnectionDriver>(),
    copyReads: false,
    ...overrides,
  };
}

const latin1 = new TextDecoder("latin1");

/** A socket for driver tests: what was written, as text, and whether it was half-closed or closed. */
export class TestSocket implements RawSocket {
  readonly remoteAddress = "192.0.2.1";
  readonly remotePort = 40_000;
  readonly localPort = 80;
  out = "";
  ended = false;
  closed = false;
  write(chunks: readonly Uint8Array[]): boolean {
    for (const c of chunks) this.out += latin1.decode(c);
    return true;
  }
  shutdownWrite(): void {
    this.ended = true;
  }
  close(): void {
    this.closed = true;
  }
  pauseRead(): void {}
  resumeRead(): void {}
}
