/**
 * Core's scripted server peers over real TCP: a `node:net` server (Node, Bun
 * and Deno all provide it) that plays a test-kit {@link ServerScript} — the
 * same plain data the simulated network plays — on every connection it
 * accepts, through core's own {@link ScriptedPeer}. Only the transport
 * differs: octets go through the kernel, and time is the wall clock.
 *
 * The faults of the simulated network are reproduced where real sockets
 * allow, each placed by connection number (this server's accept order, from
 * 0) and octet offset:
 *
 * | fault           | over real sockets                                                     |
 * |-----------------|-----------------------------------------------------------------------|
 * | `fin`, `reset`  | the server's octets stop at `atByte`; then a close or an RST (SO_LINGER 0) |
 * | `reset-request` | the client's octets from `atByte` on are not read; the server resets    |
 * | `delay`         | the server's octets from `atByte` on are written `ms` later              |
 * | `idle-close`    | `at` ms after the server started, every idle connection is closed       |
 * | `refuse`        | approximated: the connection is accepted, then reset at once (a real    |
 * |                 | refusal needs no listener at all); so is a `refuse` connection script  |
 *
 * A reset is sent {@link RESET_DELAY_MS} after the last octet before it
 * left: an RST that arrives together with data reaches a libuv-based client
 * (Node) as a clean EOF — libuv reports a hang-up after a partial read as
 * end of stream without reading the error — which would turn every "reset
 * inside a body" into "closed inside a body".
 *
 * A `fin` closes the socket completely, as servers do: the kernel sends FIN,
 * and answers any client octet that arrives later with a reset — the
 * stale-connection race in full. {@link ScriptServer.onClose} reports each
 * close synchronously, right after it happened, so a test can send a
 * request in the very turn of the event loop in which the server closed,
 * before the client can have read the FIN: the race, made deterministic.
 *
 * With `tls`, the same server speaks TLS (`https://`): each accepted TCP
 * connection is wrapped in a server-side `tls.TLSSocket` and played once
 * its handshake is done; octets and faults apply to the decrypted stream,
 * a `fin` closes (FIN, no close_notify) and a `reset` resets the TCP
 * connection under the TLS one.
 */
import net from "node:net";
import tls from "node:tls";
import {
  type ConnectionScript,
  connectionScript,
  type Fault,
  type PeerIO,
  ScriptedPeer,
  ServerLog,
  type ServerScript,
} from "@tether/core/test-kit";

/** How long a reset waits behind the octets written before it (see the module comment). */
export const RESET_DELAY_MS = 15;

/** Options of {@link ScriptServer.start}. */
export interface ScriptServerOptions {
  /** The simulated network's faults that real sockets can reproduce (see the module comment). */
  readonly faults?: readonly Fault[];
  /** Interface to bind. Default "127.0.0.1". */
  readonly hostname?: string;
  /** Speak TLS with this identity (PEM); the URL is then `https://`. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** How the server ended a connection. */
export type ServerCloseKind = "fin" | "reset";

/** Called right after the server closed connection number `connection`. */
export type CloseListener = (connection: number, kind: ServerCloseKind) => void;

/** A real TCP server playing a {@link ServerScript}. See the module comment. */
export class ScriptServer {
  /** What the server received, in the test-kit's form (times from `performance.now()`). */
  readonly log = new ServerLog();
  /** Connections accepted, refused ones included (the simulated network's `connects`). */
  connections = 0;
  /** Connections open now, and the most at once. */
  open = 0;
  maxOpen = 0;
  readonly hostname: string;
  private readonly server: net.Server;
  private readonly script: ServerScript;
  private readonly faults: readonly Fault[];
  private readonly wires = new Set<Wire>();
  private readonly closeListeners = new Set<CloseListener>();
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private portNumber = 0;
  private readonly secure: tls.SecureContext | null;

  private constructor(script: ServerScript, options: ScriptServerOptions) {
    this.script = script;
    this.faults = options.faults ?? [];
    this.hostname = options.hostname ?? "127.0.0.1";
    this.secure = options.tls === undefined ? null : tls.createSecureContext(options.tls);
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.wrap(socket));
  }

  /** Starts a server on a free port. */
  static async start(
    script: ServerScript,
    options: ScriptServerOptions = {},
  ): Promise<ScriptServer> {
    const s = new ScriptServer(script, options);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen({ host: s.hostname, port: 0 }, () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    s.portNumber = (s.server.address() as net.AddressInfo).port;
    for (const f of s.faults) {
      if (f.kind === "idle-close") s.timers.push(setTimeout(() => s.closeIdle(), f.at));
    }
    return s;
  }

  get port(): number {
    return this.portNumber;
  }

  /** `http://hostname:port` (`https://` with `tls`) */
  get url(): string {
    return `${this.secure === null ? "http" : "https"}://${this.hostname}:${this.portNumber}`;
  }

  /** `METHOD target` of every request read, in order of arrival. */
  get received(): string[] {
    return this.log.requests.map((r) => `${r.method} ${r.target}`);
  }

  /** Reports every close made by the server. Returns an unsubscribe function. */
  onClose(listener: CloseListener): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Stops listening and destroys every connection. */
  close(): Promise<void> {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    this.closeListeners.clear();
    for (const w of this.wires) w.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Plain TCP is played at once; with `tls`, once the handshake is done (see the module comment). */
  private wrap(raw: net.Socket): void {
    raw.setNoDelay(true);
    raw.on("error", () => {});
    if (this.secure === null) {
      this.accept(raw, raw);
      return;
    }
    const socket = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: this.secure,
      ALPNProtocols: ["http/1.1"],
    });
    socket.on("error", () => raw.destroy());
    socket.once("secure", () => this.accept(socket, raw));
  }

  /** `raw` is the TCP connection under `socket` (the same socket without TLS). */
  private accept(socket: net.Socket, raw: net.Socket): void {
    const index = this.connections++;
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    // Resets from the client (or ours) end in `close`; nothing to report.
    socket.on("error", () => {});
    const script = connectionScript(this.script, index);
    const refused = this.faults.some((f) => f.kind === "refuse" && f.connection === index);
    if (refused || "refuse" in script) {
      socket.on("close", () => this.open--);
      resetAndDestroy(raw);
      return;
    }
    const wire = new Wire(socket, raw, index, this.faults, (kind) => {
      for (const l of [...this.closeListeners]) l(index, kind);
    });
    this.wires.add(wire);
    const peer = new ScriptedPeer(
      script as Exclude<ConnectionScript, { refuse: true }>,
      wire.io,
      this.log,
      this.log.accepted++,
    );
    wire.peer = peer;
    socket.on("data", (bytes: Uint8Array) => wire.fromClient(bytes));
    socket.on("end", () => {
      // As on the simulated network: the client's close ends the connection.
      peer.onClientEnd();
      peer.kill();
      wire.close("fin");
    });
    socket.on("close", () => {
      this.open--;
      this.wires.delete(wire);
      peer.kill();
    });
    peer.start();
  }

  private closeIdle(): void {
    for (const w of this.wires) if (w.peer?.idle === true) w.peer.fin();
  }
}

/** One accepted connection: carries a peer's octets, applying the faults. */
class Wire {
  peer: ScriptedPeer | null = null;
  readonly io: PeerIO;
  private sent = 0;
  private receivedBytes = 0;
  private extraDelay = 0;
  private closing = false;
  private unflushed = 0;
  private afterFlush: (() => void) | null = null;
  /** Operations held back by a `delay` fault, with the time each is due. */
  private readonly delayed: { at: number; op: () => void }[] = [];
  private lastDue = 0;
  private delayTimer: ReturnType<typeof setTimeout> | null = null;
  private resetTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: net.Socket,
    /** The TCP connection under `socket` (itself without TLS): resets go there. */
    private readonly raw: net.Socket,
    private readonly index: number,
    private readonly faults: readonly Fault[],
    private readonly closed: (kind: ServerCloseKind) => void,
  ) {
    this.io = {
      write: (bytes) => this.send(bytes),
      fin: () => this.close("fin"),
      reset: () => this.close("reset"),
      after: (ms, fn) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
      now: () => performance.now(),
    };
  }

  /** Octets from the client, up to a `reset-request` fault. */
  fromClient(bytes: Uint8Array): void {
    if (this.closing) return;
    const start = this.receivedBytes;
    const cut = this.faults.find(
      (f) =>
        f.kind === "reset-request" &&
        f.connection === this.index &&
        f.atByte >= start &&
        f.atByte < start + bytes.length,
    ) as { atByte: number } | undefined;
    const upto = cut === undefined ? bytes.length : cut.atByte - start;
    this.receivedBytes += upto;
    if (upto > 0) this.peer?.onData(bytes.subarray(0, upto));
    if (cut !== undefined) {
      this.peer?.kill();
      this.close("reset");
    }
  }

  /** Ends the connection once every octet written so far is in the kernel. */
  close(kind: ServerCloseKind): void {
    if (this.closing) return;
    this.closing = true;
    this.schedule(() => {
      const act = (): void => {
        if (this.socket.destroyed) return;
        if (kind === "reset") resetAndDestroy(this.raw);
        else this.socket.destroy();
        this.closed(kind);
      };
      const go = kind === "reset" && this.sent > 0 ? () => this.later(act) : act;
      if (this.unflushed === 0) go();
      else this.afterFlush = go;
    });
  }

  /** Runs `act` {@link RESET_DELAY_MS} from now, unless the connection is torn down first. */
  private later(act: () => void): void {
    this.resetTimer = setTimeout(act, RESET_DELAY_MS);
  }

  /** Tears the connection down (the server is closing). */
  destroy(): void {
    this.closing = true;
    if (this.delayTimer !== null) clearTimeout(this.delayTimer);
    if (this.resetTimer !== null) clearTimeout(this.resetTimer);
    this.peer?.kill();
    this.socket.destroy();
  }

  private send(bytes: Uint8Array): void {
    if (this.closing) return;
    const start = this.sent;
    const end = start + bytes.length;
    let cut: { kind: "fin" | "reset"; atByte: number } | undefined;
    const delays: { atByte: number; ms: number }[] = [];
    for (const f of this.faults) {
      if (f.kind === "idle-close" || f.connection !== this.index) continue;
      if ((f.kind === "fin" || f.kind === "reset") && f.atByte >= start && f.atByte < end) {
        if (cut === undefined || f.atByte < cut.atByte) cut = f;
      }
      if (f.kind === "delay" && f.atByte >= start && f.atByte < end) delays.push(f);
    }
    const upto = cut === undefined ? bytes.length : cut.atByte - start;
    let rest = bytes.subarray(0, upto);
    let offset = start;
    for (const d of delays.sort((a, b) => a.atByte - b.atByte)) {
      if (d.atByte >= start + upto) break;
      this.write(rest.subarray(0, d.atByte - offset));
      rest = rest.subarray(d.atByte - offset);
      offset = d.atByte;
      this.extraDelay += d.ms;
    }
    this.write(rest);
    this.sent = start + upto;
    if (cut !== undefined) {
      this.peer?.kill();
      this.close(cut.kind);
    }
  }

  private write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Copied: the peer may hand over views of buffers it reuses.
    const copy = Uint8Array.from(bytes);
    this.schedule(() => {
      if (this.socket.destroyed) return;
      this.unflushed++;
      this.socket.write(copy, () => {
        this.unflushed--;
        if (this.unflushed === 0 && this.afterFlush !== null) {
          const act = this.afterFlush;
          this.afterFlush = null;
          act();
        }
      });
    });
  }

  /** Runs `op` now, or in order after the operations a `delay` fault holds back. */
  private schedule(op: () => void): void {
    const now = performance.now();
    if (this.extraDelay === 0 && this.delayed.length === 0) {
      op();
      return;
    }
    const at = Math.max(now + this.extraDelay, this.lastDue);
    this.lastDue = at;
    this.delayed.push({ at, op });
    this.pump();
  }

  private pump(): void {
    const first = this.delayed[0];
    if (this.delayTimer !== null || first === undefined) return;
    this.delayTimer = setTimeout(
      () => {
        this.delayTimer = null;
        while ((this.delayed[0]?.at ?? Number.POSITIVE_INFINITY) <= performance.now() + 1) {
          this.delayed.shift()?.op();
        }
        this.pump();
      },
      Math.max(0, first.at - performance.now()),
    );
  }
}

/** Closes with RST (SO_LINGER 0) where the runtime can, else a plain close. */
function resetAndDestroy(socket: net.Socket): void {
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}
