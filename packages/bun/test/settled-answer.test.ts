/**
 * An async fetch handler that answers without waiting for anything gives a
 * promise already fulfilled: on Bun (`Bun.peek`) its answer is taken at once
 * and written in the same turn as the request was read, with no microtask
 * turn before the write (adapter-kit server.ts). The wire is the same as for
 * a handler that waits; a rejected or pending promise goes the usual way.
 */
import { describe, expect, it } from "bun:test";
import {
  createServe,
  type RawSocket,
  type ServeOptions,
  type SocketHandlers,
  type SocketLayer,
} from "@tether/adapter-kit";
import { bunSocketLayer } from "../src/index.ts";

const dec = new TextDecoder();
const REQUEST = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

/** A connection of a server serving `fetch`, over a socket that keeps what is written. */
async function connection(
  fetch: NonNullable<ServeOptions["fetch"]>,
  onError?: (error: unknown) => void,
): Promise<{ handlers: SocketHandlers; written: () => string }> {
  let accept: (() => SocketHandlers) | null = null;
  const layer: SocketLayer = {
    ...bunSocketLayer,
    listen(_options, onAccept) {
      accept = onAccept;
      return Promise.resolve({ hostname: "127.0.0.1", port: 1, close: () => Promise.resolve() });
    },
    connect() {
      throw new Error("no client connections here");
    },
  };
  const server = await createServe(layer)({ fetch, ...(onError ? { onError } : {}) });
  const chunks: Uint8Array[] = [];
  const socket: RawSocket = {
    write(data) {
      for (const c of data) chunks.push(c.slice());
      return true;
    },
    shutdownWrite() {},
    close() {},
    pauseRead() {},
    resumeRead() {},
    remoteAddress: "127.0.0.1",
    remotePort: 40000,
    localPort: 1,
  };
  const handlers = (accept as unknown as () => SocketHandlers)();
  handlers.open(socket);
  void server;
  return { handlers, written: () => chunks.map((c) => dec.decode(c)).join("") };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("an async fetch handler's settled answer (Bun.peek)", () => {
  it("is written in the turn the request was read, as a sync handler's is", async () => {
    const { handlers, written } = await connection(async () => new Response("hi"));
    handlers.data(REQUEST);
    const now = written();
    expect(now).toStartWith("HTTP/1.1 200 OK\r\n");
    expect(now).toEndWith("\r\n\r\nhi");
    await turn();
    expect(written()).toBe(now); // once
  });

  it("RFC 9112 §6.2: gives the same bytes as the same answer given later", async () => {
    const answer = () =>
      new Response("same", { status: 201, headers: { "x-a": "1", "content-type": "text/x" } });
    const at = await connection(async () => answer());
    const waited = await connection(async () => {
      await turn();
      return answer();
    });
    at.handlers.data(REQUEST);
    waited.handlers.data(REQUEST);
    expect(waited.written()).toBe("");
    await turn();
    await turn();
    expect(at.written()).toBe(waited.written());
    expect(at.written()).toContain("HTTP/1.1 201 Created\r\n");
  });

  it("RFC 9110 §15.6.1: a rejected promise gives a 500 and onError, as before", async () => {
    const errors: unknown[] = [];
    const { handlers, written } = await connection(
      async () => {
        throw new Error("boom");
      },
      (e) => errors.push(e),
    );
    handlers.data(REQUEST);
    await turn();
    expect(written()).toStartWith("HTTP/1.1 500 ");
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom"]);
  });

  it("RFC 9110 §15.6.1: a settled value that is no Response gives a 500 and onError with a TypeError", async () => {
    const errors: unknown[] = [];
    const { handlers, written } = await connection(
      (async () => "not a response") as unknown as NonNullable<ServeOptions["fetch"]>,
      (e) => errors.push(e),
    );
    handlers.data(REQUEST);
    expect(written()).toStartWith("HTTP/1.1 500 ");
    expect(errors[0]).toBeInstanceOf(TypeError);
  });

  it("RFC 9112 §9.3.2: pipelined settled and pending answers keep their order", async () => {
    let n = 0;
    const { handlers, written } = await connection(async () => {
      const mine = n++;
      if (mine === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      return new Response(`r${mine}`);
    });
    handlers.data(new TextEncoder().encode(dec.decode(REQUEST).repeat(3)));
    expect(written()).toBe("");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const bodies = written()
      .split("HTTP/1.1 ")
      .slice(1)
      .map((a) => a.slice(a.indexOf("\r\n\r\n") + 4));
    expect(bodies).toEqual(["r0", "r1", "r2"]);
  });
});
