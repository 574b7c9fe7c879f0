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
