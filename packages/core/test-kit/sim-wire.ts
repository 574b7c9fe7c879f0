/**
 * The wire of the simulated network: faults, placed by connection number
 * (the order of the pool's `connect` actions, from 0) and by octet offset in
 * one direction of that connection; the state of each simulated socket; and
 * the octet plumbing.
 */
import type { SocketId } from "../src/socket-actions.ts";
import type { ScriptedPeer } from "./scripted-server.ts";

/** Both ends of one simulated connection. */
export interface SimSocket {
  readonly id: SocketId;
  /** Connection number (order of `connect` actions), for faults. */
  readonly index: number;
  /** The origin key it connects to. */
  readonly origin: string;
  /** The pool holds it (no `close` action yet). */
  clientOpen: boolean;
  connected: boolean;
  /** The server side still reads and writes. */
  serverOpen: boolean;
  peer: ScriptedPeer | null;
  /** Octets sent so far, each way. */
  toClient: number;
  toServer: number;
  /** Delivery time of the last piece each way (deliveries stay in order). */
  lastToClient: number;
  lastToServer: number;
  /** Added to every later delivery to the client (`delay` faults). */
  extraDelay: number;
  /** A reset was already sent for octets reaching a closed server. */
  resetSent: boolean;
}

/** A socket just asked for by the pool. */
export function newSocket(id: SocketId, index: number, origin: string): SimSocket {
  return {
    id,
    index,
    origin,
    clientOpen: true,
    connected: false,
    serverOpen: false,
    peer: null,
    toClient: 0,
    toServer: 0,
    lastToClient: 0,
    lastToServer: 0,
    extraDelay: 0,
    resetSent: false,
  };
}

/** A fault. See the module comment. */
export type Fault =
  /** The connection is refused. */
  | { readonly kind: "refuse"; readonly connection: number }
  /** After `atByte` octets from the server: FIN (the server closed) or a reset. */
  | { readonly kind: "fin" | "reset"; readonly connection: number; readonly atByte: number }
  /** After `atByte` octets from the client: a reset. */
  | { readonly kind: "reset-request"; readonly connection: number; readonly atByte: number }
  /** Octets from the server from `atByte` on arrive `ms` later. */
  | {
      readonly kind: "delay";
      readonly connection: number;
      readonly atByte: number;
      readonly ms: number;
    }
  /** At time `at`, every server closes (FIN) each connection that is idle. */
  | { readonly kind: "idle-close"; readonly at: number }
  /**
   * The TLS handshake of this connection fails (an untrusted certificate):
   * connecting to an `https` origin, or the `start-tls` through a tunnel.
   */
  | { readonly kind: "tls-fail"; readonly connection: number };

/** The connection is refused by a fault. */
export function refused(faults: readonly Fault[], connection: number): boolean {
  return faults.some((f) => f.kind === "refuse" && f.connection === connection);
}

/** The TLS handshake of the connection fails by a fault. */
export function tlsFails(faults: readonly Fault[], connection: number): boolean {
  return faults.some((f) => f.kind === "tls-fail" && f.connection === connection);
}

/** A FIN or reset of the server's octets that falls in `[start, end)`, if any. */
export function responseCut(
  faults: readonly Fault[],
  connection: number,
  start: number,
  end: number,
): { readonly kind: "fin" | "reset"; readonly atByte: number } | undefined {
  for (const f of faults) {
    if ((f.kind === "fin" || f.kind === "reset") && f.connection === connection) {
      if (f.atByte >= start && f.atByte < end) return f;
    }
  }
  return undefined;
}

/** A reset of the client's octets that falls in `[start, end)`, if any. */
export function requestCut(
  faults: readonly Fault[],
  connection: number,
  start: number,
  end: number,
): { readonly atByte: number } | undefined {
  for (const f of faults) {
    if (f.kind === "reset-request" && f.connection === connection) {
      if (f.atByte >= start && f.atByte < end) return f;
    }
  }
  return undefined;
}

/** The delays whose offset falls in `[start, end)`, in order of offset. */
export function delaysIn(
  faults: readonly Fault[],
  connection: number,
  start: number,
  end: number,
): { readonly atByte: number; readonly ms: number }[] {
  const out: { atByte: number; ms: number }[] = [];
  for (const f of faults) {
    if (f.kind === "delay" && f.connection === connection && f.atByte >= start && f.atByte < end) {
      out.push(f);
    }
  }
  return out.sort((a, b) => a.atByte - b.atByte);
}

/** Buffers joined into one. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Octets cut into pieces of at most `size` (none for empty input). */
export function split(bytes: Uint8Array, size: number): Uint8Array[] {
  if (bytes.length === 0) return [];
  if (bytes.length <= size) return [bytes];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
