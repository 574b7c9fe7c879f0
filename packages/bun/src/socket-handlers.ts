/**
 * Bun's socket handler tables. Bun takes one handler object per listener
 * or connect (no closures per socket); each handler finds its
 * {@link BunSocket} in `socket.data`.
 */
import type { Socket, SocketHandler } from "bun";
import type { BunSocket } from "./bun-socket.ts";
import type { DialledBunSocket } from "./dialled-socket.ts";

/** Handlers shared by every socket; each finds its {@link BunSocket} in `socket.data`. */
export const shared = {
  binaryType: "uint8array",
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    socket.data.received(bytes);
  },
  drain(socket: Socket<BunSocket>): void {
    socket.data.flushed();
  },
  end(socket: Socket<BunSocket>): void {
    socket.data.ended();
  },
  close(socket: Socket<BunSocket>, error?: Error): void {
    socket.data.gone(error);
  },
  error(socket: Socket<BunSocket>, error: Error): void {
    socket.data.failed(error);
  },
} satisfies SocketHandler<BunSocket>;

/** For `Bun.connect`: the {@link BunSocket} is created first and passed as `data`. */
export const dialled: SocketHandler<BunSocket> = {
  ...shared,
  open(socket: Socket<BunSocket>): void {
    const raw = socket.data;
    raw.socket = socket;
    raw.handlers.open(raw);
  },
  connectError(socket: Socket<BunSocket>, error: Error): void {
    socket.data.refused(error);
  },
};

/**
 * For TLS sockets this layer dials (or upgrades): `open` comes before the
 * handshake, which `handshake` reports; the session is kept once data flows.
 */
export const dialledTls: SocketHandler<BunSocket> = {
  ...shared,
  open(socket: Socket<BunSocket>): void {
    const raw = socket.data as DialledBunSocket;
    raw.socket = socket;
    raw.offerSession(socket);
  },
  handshake(socket: Socket<BunSocket>, ok: boolean, error: Error | null): void {
    (socket.data as DialledBunSocket).handshaken(ok, error);
  },
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    const raw = socket.data as DialledBunSocket;
    raw.takeSession(socket);
    raw.received(bytes);
  },
  connectError(socket: Socket<BunSocket>, error: Error): void {
    socket.data.refused(error);
  },
};

/** For the TLS socket of `upgradeTLS()`: as {@link dialledTls}, without connecting. */
export const upgraded: SocketHandler<BunSocket> = {
  ...dialledTls,
  open(socket: Socket<BunSocket>): void {
    socket.data.socket = socket;
  },
};

/**
 * For a TLS listener: a client whose handshake fails may close before
 * `open` gave it a {@link BunSocket}.
 */
export const acceptedTls = {
  ...shared,
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    socket.data?.received(bytes);
  },
  drain(socket: Socket<BunSocket>): void {
    socket.data?.flushed();
  },
  end(socket: Socket<BunSocket>): void {
    socket.data?.ended();
  },
  close(socket: Socket<BunSocket>, error?: Error): void {
    socket.data?.gone(error);
  },
  error(socket: Socket<BunSocket>, error: Error): void {
    if (socket.data === undefined) socket.terminate();
    else socket.data.failed(error);
  },
} satisfies SocketHandler<BunSocket>;
