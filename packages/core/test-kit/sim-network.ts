/**
 * A deterministic simulated network that drives a {@link ClientPool}.
 *
 * It carries out the pool's socket actions against scripted servers
 * (scripted-server.ts), delivers octets after a latency and in pieces of a
 * chosen size, and injects faults at any octet: a reset or FIN at offset N
 * of what the server sends, a reset at offset N of what the client sends, a
 * delay from offset N on, a refused connection, a failed TLS handshake,
 * every server closing its idle connections at time T. Time is a
 * {@link VirtualClock}; the pool's timers are driven through
 * `nextDeadline()` / `tick()`.
 *
 * TLS as modelled: none on the wire. Connecting to an `https` origin takes
 * one more round trip (the handshake) before `connected`; a `start-tls`
 * (after a CONNECT tunnel's 2xx) takes one round trip to `tlsEstablished`,
 * and the octets then go on in the clear to the same scripted server, which
 * plays the origin inside the tunnel.
 *
 * TCP as modelled: octets arrive in order; a server that closes (FIN) also
 * stops reading, so client octets arriving after that draw a reset — the
 * stale-connection race in full.
 *
 * Everything observable is recorded: every pool event with its time, every
 * write, each request's outcome ({@link RequestResult}), what each server
 * received (its {@link ServerLog}), the sockets the pool holds, and any
 * broken rule of the socket contract (`violations`).
 */
import type { ClientPool } from "../src/client-pool.ts";
import type { PoolEvent, PoolRequest } from "../src/pool-events.ts";
import { originKey, type SocketAction, type SocketId } from "../src/socket-actions.ts";
import { type ClockTask, VirtualClock } from "./clock.ts";
import { type PeerIO, ScriptedPeer, ServerLog } from "./scripted-server.ts";
import { connectionScript, fromLatin1, type ServerScript } from "./server-script.ts";
import { type RequestResult, ResultRecorder } from "./sim-results.ts";
import {
  concat,
  delaysIn,
  type Fault,
  newSocket,
  refused,
  requestCut,
  responseCut,
  type SimSocket,
  split,
  tlsFails,
} from "./sim-wire.ts";

export type { RequestResult } from "./sim-results.ts";
export type { Fault } from "./sim-wire.ts";

/** Options of a {@link SimNetwork}. */
export interface SimOptions {
  /** One-way delay of every delivery and of connecting. Default 1 ms. */
  readonly latencyMs?: number;
  /** Octets are delivered in pieces of at most this size. Default: as written. */
  readonly chunkSize?: number;
  readonly faults?: readonly Fault[];
  /** The server of every origin without its own entry in `servers`. Default: serve everything. */
  readonly server?: ServerScript;
  /** Servers by origin key (`http://host:port`, see `originKey`). */
  readonly servers?: Readonly<Record<string, ServerScript>>;
}

/** See the module comment. */
export class SimNetwork {
  readonly clock: VirtualClock;
  readonly pool: ClientPool;
  /** Every pool event, with the time it was taken. */
  readonly events: { readonly at: number; readonly event: PoolEvent }[] = [];
  /** Every `write` action, its buffers joined. */
  readonly writes: {
    readonly socket: SocketId;
    readonly at: number;
    readonly bytes: Uint8Array;
  }[] = [];
  /** What became of each request, by id. */
  readonly results: ReadonlyMap<number, RequestResult>;
  /** Breaches of the socket contract (write after close, a request settled twice …). */
  readonly violations: string[] = [];
  /** Sockets the pool holds (connect action → close action or connectFailed). */
  readonly open = new Set<SocketId>();
  /** `connect` actions so far. */
  connects = 0;
  /** Most sockets held at once, in all and per origin key. */
  maxOpen = 0;
  readonly maxOpenPerOrigin = new Map<string, number>();
  /** Called after every round of pool calls (for invariant checks). */
  onFlush: (() => void) | null = null;

  private readonly latency: number;
  private readonly chunkSize: number;
  private readonly faults: readonly Fault[];
  private readonly sockets = new Map<SocketId, SimSocket>();
  private readonly logs = new Map<string, ServerLog>();
  private readonly attemptsPerServer = new Map<string, number>();
  private timer: ClockTask | null = null;
  private readonly recorder = new ResultRecorder();

  constructor(
    pool: ClientPool,
    private readonly options: SimOptions = {},
    clock: VirtualClock = new VirtualClock(),
  ) {
    this.pool = pool;
    this.clock = clock;
    this.latency = options.latencyMs ?? 1;
    this.chunkSize = options.chunkSize ?? Number.POSITIVE_INFINITY;
    this.faults = options.faults ?? [];
    this.results = this.recorder.results;
    for (const f of this.faults) {
      if (f.kind === "idle-close") this.clock.schedule(f.at, () => this.idleClose());
    }
  }

  // --- the caller ------------------------------------------------------------------

  /** Sends a request now; returns its id. */
  request(req: PoolRequest): number {
    const id = this.pool.request(req, this.clock.now);
    this.recorder.resultOf(id);
    this.flush();
    return id;
  }

  /** Cancels a request now. */
  cancel(id: number): void {
    this.pool.cancel(id, this.clock.now);
    this.flush();
  }

  /** Body data of a streamed request. */
  writeBody(id: number, chunk: Uint8Array): void {
    this.pool.writeBody(id, chunk);
    this.flush();
  }

  /** Ends a streamed request body. */
  endBody(id: number): void {
    this.pool.endBody(id);
    this.flush();
  }

  /** Runs `fn` at virtual time `at`. */
  at(at: number, fn: () => void): void {
    this.clock.schedule(at, fn);
  }

  /** Runs the network until nothing is left to happen (or `until`). */
  run(options: { until?: number; maxSteps?: number } = {}): void {
    this.clock.run(options);
  }

  /** What the server of an origin key received. */
  serverLog(key: string): ServerLog {
    let log = this.logs.get(key);
    if (log === undefined) {
      log = new ServerLog();
      this.logs.set(key, log);
    }
    return log;
  }

  /** The logs of every server that accepted a connection. */
  serverLogs(): IterableIterator<ServerLog> {
    return this.logs.values();
  }

  /** Every request settled. */
  get settled(): boolean {
    return this.recorder.settled;
  }

  /** The request line of every write that starts a request, in order (e.g. `POST /a HTTP/1.1`). */
  requestLinesWritten(): string[] {
    const out: string[] = [];
    for (const w of this.writes) {
      const text = fromLatin1(w.bytes.subarray(0, 2048));
      const line = text.slice(0, Math.max(0, text.indexOf("\r\n")));
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/1\.[01]$/.test(line)) out.push(line);
    }
    return out;
  }

  // --- the pool's side -------------------------------------------------------------

  /** Carries out the pool's actions, records its events, re-arms its timer. */
  private flush(): void {
    for (;;) {
      const actions = this.pool.takeActions();
      const events = this.pool.takeEvents();
      if (actions.length === 0 && events.length === 0) break;
      for (const a of actions) this.execute(a);
      for (const e of events) this.record(e);
    }
    const deadline = this.pool.nextDeadline();
    const at = deadline === null ? null : Math.max(deadline, this.clock.now);
    if (this.timer !== null && this.timer.at !== at) {
      this.timer.cancel();
      this.timer = null;
    }
    if (at !== null && this.timer === null) {
      this.timer = this.clock.schedule(at, () => {
        this.timer = null;
        this.pool.tick(this.clock.now);
        this.flush();
      });
    }
    this.onFlush?.();
  }

  private execute(a: SocketAction): void {
    if (a.type === "connect") {
      this.connect(a.socket, originKey(a.origin), a.origin.scheme === "https");
      return;
    }
    const sock = this.sockets.get(a.socket);
    if (sock === undefined) {
      this.violations.push(`${a.type} on unknown socket ${a.socket}`);
      return;
    }
    if (a.type === "write") {
      if (!sock.clientOpen) this.violations.push(`write on closed socket ${a.socket}`);
      else if (!sock.connected) this.violations.push(`write before connected on ${a.socket}`);
      else this.clientWrite(sock, concat(a.data));
    } else if (a.type === "start-tls") {
      if (!sock.clientOpen || !sock.connected) {
        this.violations.push(`start-tls on a socket not open: ${a.socket}`);
      } else this.startTls(sock);
    } else if (a.type === "close") {
      if (!sock.clientOpen) {
        this.violations.push(`close twice on ${a.socket}`);
        return;
      }
      sock.clientOpen = false;
      this.open.delete(sock.id);
      this.toServer(sock, null);
    }
  }

  /** One round trip of handshake, then `tlsEstablished`, or a failed connect by a `tls-fail` fault. */
  private startTls(sock: SimSocket): void {
    this.clock.after(2 * this.latency, () => {
      if (!sock.clientOpen) return; // the pool gave up first
      if (tlsFails(this.faults, sock.index)) {
        this.failTls(sock);
        return;
      }
      this.pool.tlsEstablished(sock.id, this.clock.now);
      this.flush();
    });
  }

  /** The handshake failed: the adapter drops the socket and says so. */
  private failTls(sock: SimSocket): void {
    sock.clientOpen = false;
    this.open.delete(sock.id);
    if (sock.serverOpen) {
      sock.serverOpen = false;
      sock.peer?.kill();
    }
    this.pool.connectFailed(sock.id, "certificate not trusted", this.clock.now, "tls");
    this.flush();
  }

  private connect(id: SocketId, origin: string, tls = false): void {
    const sock = newSocket(id, this.connects++, origin);
    this.sockets.set(id, sock);
    this.open.add(id);
    this.maxOpen = Math.max(this.maxOpen, this.open.size);
    let perOrigin = 0;
    for (const s of this.open) if (this.sockets.get(s)?.origin === origin) perOrigin++;
    this.maxOpenPerOrigin.set(origin, Math.max(this.maxOpenPerOrigin.get(origin) ?? 0, perOrigin));
    // TLS: the handshake's round trip follows the TCP one.
    this.clock.after(tls ? 3 * this.latency : this.latency, () => this.accept(sock, tls));
  }

  private accept(sock: SimSocket, tls: boolean): void {
    if (!sock.clientOpen) return; // the pool gave up first (connect timeout)
    if (tls && tlsFails(this.faults, sock.index)) {
      this.failTls(sock);
      return;
    }
    const server = this.options.servers?.[sock.origin] ?? this.options.server ?? {};
    const n = this.attemptsPerServer.get(sock.origin) ?? 0;
    this.attemptsPerServer.set(sock.origin, n + 1);
    const script = connectionScript(server, n);
    if (refused(this.faults, sock.index) || "refuse" in script) {
      sock.clientOpen = false;
      this.open.delete(sock.id);
      this.pool.connectFailed(sock.id, "ECONNREFUSED", this.clock.now);
      this.flush();
      return;
    }
    const log = this.serverLog(sock.origin);
    sock.peer = new ScriptedPeer(script, this.peerIO(sock), log, log.accepted++);
    sock.connected = true;
    sock.serverOpen = true;
    this.pool.connected(sock.id, this.clock.now);
    this.flush();
    sock.peer.start();
  }

  private peerIO(sock: SimSocket): PeerIO {
    return {
      write: (bytes) => this.serverWrite(sock, bytes),
      fin: () => this.serverClose(sock, "fin"),
      reset: () => this.serverClose(sock, "reset"),
      after: (ms, fn) => {
        const task = this.clock.after(ms, fn);
        return () => task.cancel();
      },
      now: () => this.clock.now,
    };
  }

  // --- server → client -------------------------------------------------------------

  private serverWrite(sock: SimSocket, bytes: Uint8Array): void {
    if (!sock.serverOpen) return;
    const start = sock.toClient;
    const cut = responseCut(this.faults, sock.index, start, start + bytes.length);
    const upto = cut === undefined ? bytes.length : cut.atByte - start;
    let rest = bytes.subarray(0, upto);
    let offset = start;
    for (const d of delaysIn(this.faults, sock.index, start, start + upto)) {
      this.toClient(sock, rest.subarray(0, d.atByte - offset));
      rest = rest.subarray(d.atByte - offset);
      offset = d.atByte;
      sock.extraDelay += d.ms;
    }
    this.toClient(sock, rest);
    sock.toClient = start + upto;
    if (cut !== undefined) {
      sock.peer?.kill();
      this.serverClose(sock, cut.kind);
    }
  }

  private serverClose(sock: SimSocket, kind: "fin" | "reset"): void {
    if (!sock.serverOpen) return;
    sock.serverOpen = false;
    sock.peer?.kill();
    this.toClient(sock, kind);
  }

  /** Schedules octets, a FIN or a reset to reach the client, in order. */
  private toClient(sock: SimSocket, what: Uint8Array | "fin" | "reset"): void {
    const pieces = typeof what === "string" ? [what] : split(what, this.chunkSize);
    for (const piece of pieces) {
      const at = Math.max(this.clock.now + this.latency + sock.extraDelay, sock.lastToClient);
      sock.lastToClient = at;
      this.clock.schedule(at, () => {
        if (!sock.clientOpen) return;
        const now = this.clock.now;
        if (piece === "fin") this.pool.peerEnded(sock.id, now);
        else if (piece === "reset") this.pool.reset(sock.id, "ECONNRESET", now);
        else this.pool.received(sock.id, piece, now);
        this.flush();
      });
    }
  }

  // --- client → server -------------------------------------------------------------

  private clientWrite(sock: SimSocket, bytes: Uint8Array): void {
    this.writes.push({ socket: sock.id, at: this.clock.now, bytes });
    const start = sock.toServer;
    const cut = requestCut(this.faults, sock.index, start, start + bytes.length);
    const upto = cut === undefined ? bytes.length : cut.atByte - start;
    for (const piece of split(bytes.subarray(0, upto), this.chunkSize)) this.toServer(sock, piece);
    sock.toServer = start + upto;
    if (cut !== undefined && sock.serverOpen) {
      sock.serverOpen = false;
      sock.peer?.kill();
      this.toClient(sock, "reset");
    }
  }

  /** Schedules octets (or, for `null`, the client's close) to reach the server. */
  private toServer(sock: SimSocket, piece: Uint8Array | null): void {
    const at = Math.max(this.clock.now + this.latency, sock.lastToServer);
    sock.lastToServer = at;
    this.clock.schedule(at, () => {
      const peer = sock.peer;
      if (piece === null) {
        if (sock.serverOpen && peer !== null) peer.onClientEnd();
        sock.serverOpen = false;
        peer?.kill();
        return;
      }
      if (!sock.serverOpen || peer === null) {
        // TCP: octets for a closed socket draw a reset.
        if (!sock.resetSent && sock.clientOpen) {
          sock.resetSent = true;
          this.toClient(sock, "reset");
        }
        return;
      }
      peer.onData(piece);
    });
  }

  private idleClose(): void {
    for (const sock of this.sockets.values()) {
      if (sock.serverOpen && sock.peer?.idle === true) sock.peer.fin();
    }
  }

  private record(ev: PoolEvent): void {
    this.events.push({ at: this.clock.now, event: ev });
    const broken = this.recorder.record(ev, this.clock.now);
    if (broken !== null) this.violations.push(broken);
    if (ev.type === "switched" && broken === null) this.handOver(ev.connection);
  }

  /** A switched socket is the caller's: the simulated caller closes it. */
  private handOver(id: SocketId): void {
    const sock = this.sockets.get(id);
    if (sock === undefined) return;
    sock.clientOpen = false;
    this.open.delete(id);
    this.toServer(sock, null);
  }
}
