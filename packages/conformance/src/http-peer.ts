/**
 * A real `node:http` server as the peer of client cases (Node, Bun and Deno
 * all provide `node:http`), counting what a client's connection management
 * shows on the server side: sockets accepted, open at once, and which
 * socket carried each request.
 */
import http from "node:http";
import type net from "node:net";

/** A request as the `node:http` server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly version: string;
  /** Which socket (accept order, from 0). */
  readonly socket: number;
  readonly headers: http.IncomingHttpHeaders;
}

/** A running `node:http` peer. */
export interface HttpPeer {
  readonly url: string;
  readonly requests: readonly SeenRequest[];
  /** Sockets accepted so far. */
  readonly sockets: number;
  /** Most sockets open at once. */
  readonly maxOpen: number;
}

/** Answers one request; `seen` is what was recorded of it. */
export type HttpPeerHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  seen: SeenRequest,
) => void | Promise<void>;

/** Runs `body` against a fresh `node:http` server on 127.0.0.1, then tears it down. */
export async function withHttpPeer(
  handler: HttpPeerHandler,
  body: (peer: HttpPeer) => Promise<void>,
): Promise<void> {
  const ids = new WeakMap<net.Socket, number>();
  const live = new Set<net.Socket>();
  const state = { sockets: 0, open: 0, maxOpen: 0, requests: [] as SeenRequest[] };
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      version: req.httpVersion,
      socket: ids.get(req.socket) ?? -1,
      headers: req.headers,
    };
    state.requests.push(seen);
    Promise.resolve(handler(req, res, seen)).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5000;
  server.on("connection", (socket: net.Socket) => {
    ids.set(socket, state.sockets++);
    live.add(socket);
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    socket.on("close", () => {
      live.delete(socket);
      state.open--;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const peer: HttpPeer = {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get sockets() {
      return state.sockets;
    },
    get maxOpen() {
      return state.maxOpen;
    },
  };
  try {
    await body(peer);
  } finally {
    for (const s of live) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Writes `data` to `res`, waiting for `drain` when the buffer is full. */
export async function writeAll(res: http.ServerResponse, data: Uint8Array): Promise<void> {
  if (!res.write(data)) await new Promise<void>((resolve) => res.once("drain", resolve));
}

/** `n` bytes where byte i is `(start + i) mod 256`. */
export function pattern(n: number, start = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (start + i) & 0xff;
  return out;
}

/** Reads a request body whole. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
