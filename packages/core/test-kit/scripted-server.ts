/**
 * A scripted HTTP server peer: plays one {@link ConnectionScript} on one
 * connection. It reads requests with core's {@link MessageParser} and
 * writes raw octets, so it can misbehave at will (answer HTTP/1.0, lie in
 * Content-Length, close idle connections, reset mid-body).
 *
 * It knows nothing of the transport: a {@link PeerIO} carries its octets and
 * timers. The simulated network provides one; a real TCP server can provide
 * another.
 */
import { MessageParser } from "../src/parser.ts";
import { serveResponse } from "./serve-response.ts";
import {
  type ConnectionScript,
  fromLatin1,
  latin1,
  type RequestMatch,
  type ServeOptions,
  type ServerStep,
} from "./server-script.ts";

/** What a peer needs from its transport. */
export interface PeerIO {
  /** Sends octets to the client. */
  write(bytes: Uint8Array): void;
  /** Closes the connection: FIN now, and a reset for any client octet that arrives later. */
  fin(): void;
  /** Resets the connection. */
  reset(): void;
  /** Runs `fn` after `ms` milliseconds; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
  /** The current time in milliseconds. */
  now(): number;
}

/** A request as the server received it. */
export interface ReceivedRequest {
  /** Which connection of this server (accept order, from 0). */
  readonly connection: number;
  readonly method: string;
  readonly target: string;
  readonly version: "1.0" | "1.1";
  readonly fields: readonly [string, string][];
  readonly body: string;
  readonly at: number;
}

/** What a server saw, across its connections. */
export class ServerLog {
  /** Connections accepted (refused ones not counted). */
  accepted = 0;
  readonly requests: ReceivedRequest[] = [];
  /** Requests that did not match their `read` step, and parse errors. */
  readonly problems: string[] = [];
}

/** Plays one connection's script. See the module comment. */
export class ScriptedPeer {
  private readonly parser = new MessageParser({ kind: "request" });
  private readonly steps: readonly ServerStep[];
  private readonly end: "hold" | "fin" | "reset";
  private stepIndex = 0;
  private serve: ServeOptions | null;
  /** Complete requests not yet taken by a step or answered. */
  private readonly pending: ReceivedRequest[] = [];
  private partial: {
    method: string;
    target: string;
    version: "1.0" | "1.1";
    fields: [string, string][];
    body: string;
  } | null = null;
  private closed = false;
  private clientEnded = false;
  private switched = false;
  private waiting = false;
  private responding = false;
  private answered = 0;
  private bytesIn = 0;
  /** The timer of a `wait` or `idleClose` step. */
  private cancelStepTimer: (() => void) | null = null;
  /** The serving server's idle timer. */
  private cancelIdleTimer: (() => void) | null = null;

  constructor(
    script: Exclude<ConnectionScript, { refuse: true }>,
    private readonly io: PeerIO,
    private readonly log: ServerLog,
    private readonly index: number,
  ) {
    if ("steps" in script) {
      this.steps = script.steps;
      this.end = script.end ?? "hold";
      this.serve = null;
    } else {
      this.steps = [];
      this.end = "hold";
      this.serve = script.serve;
    }
  }

  /** Starts the script (call once the connection is accepted). */
  start(): void {
    this.advance();
  }

  /** Octets from the client. */
  onData(bytes: Uint8Array): void {
    if (this.closed || this.switched) return;
    this.bytesIn += bytes.length;
    this.cancelIdleTimer?.();
    this.cancelIdleTimer = null;
    const step = this.currentStep();
    if (this.waiting && step !== undefined && "idleClose" in step) {
      // A request started in time: the idle close is off.
      this.cancelStepTimer?.();
      this.cancelStepTimer = null;
      this.waiting = false;
      this.stepIndex++;
    }
    this.parser.feed(bytes);
    this.parse();
    this.advance();
  }

  /** The client closed the connection. */
  onClientEnd(): void {
    if (this.closed) return;
    this.clientEnded = true;
    this.parser.end();
    this.parse();
    this.advance();
    if (!this.responding && this.pending.length === 0) this.closed = true;
  }

  /** Nothing received and unanswered: no request pending, none half-read, no response underway. */
  get idle(): boolean {
    return (
      !this.closed &&
      this.pending.length === 0 &&
      this.partial === null &&
      this.parser.buffered === 0 &&
      !this.responding
    );
  }

  /** Closes the connection (FIN). */
  fin(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.io.fin();
  }

  /** Resets the connection. */
  reset(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.io.reset();
  }

  /** The connection died under the peer (a reset from the client side). */
  kill(): void {
    this.closed = true;
    this.clearTimers();
  }

  // --- reading -----------------------------------------------------------------

  private parse(): void {
    for (;;) {
      const ev = this.parser.next();
      if (ev === null) return;
      switch (ev.type) {
        case "request":
          this.partial = {
            method: ev.head.method,
            target: ev.head.target,
            version: ev.head.version,
            fields: ev.head.fields.toJSON(),
            body: "",
          };
          break;
        case "data":
          if (this.partial !== null) this.partial.body += fromLatin1(ev.data);
          break;
        case "end": {
          const p = this.partial;
          this.partial = null;
          if (p === null) break;
          const req: ReceivedRequest = { connection: this.index, ...p, at: this.io.now() };
          this.pending.push(req);
          this.log.requests.push(req);
          if (this.parser.state === "awaiting-switch") {
            // Scripts switch (they write what they like); the serving server
            // refuses. A CONNECT never switches: the simulated network has no
            // TLS, so a tunnel carries the origin's HTTP in the clear, and the
            // same script reads it on, playing the origin.
            if (this.serve === null && req.method !== "CONNECT") {
              this.parser.takeRest();
              this.switched = true;
              return;
            }
            this.parser.resume();
          }
          break;
        }
        case "error":
          this.log.problems.push(`connection ${this.index}: ${ev.error.code} ${ev.error.message}`);
          this.reset();
          return;
        default:
          return;
      }
    }
  }

  // --- the script ----------------------------------------------------------------

  private currentStep(): ServerStep | undefined {
    return this.steps[this.stepIndex];
  }

  private advance(): void {
    while (!this.closed && !this.waiting && this.serve === null) {
      const step = this.currentStep();
      if (step === undefined) {
        this.finished();
        return;
      }
      if ("read" in step) {
        const req = this.pending.shift();
        if (req === undefined) return;
        this.check(req, step.read);
      } else if ("write" in step) {
        const bytes = latin1(step.write);
        if (step.cut !== undefined) {
          this.io.write(bytes.subarray(0, step.cut.at));
          if (step.cut.kind === "fin") this.fin();
          else this.reset();
          return;
        }
        this.io.write(bytes);
      } else if ("wait" in step) {
        this.waitFor(step.wait, () => true);
        return;
      } else if ("fin" in step) {
        this.fin();
        return;
      } else if ("reset" in step) {
        this.reset();
        return;
      } else if ("idleClose" in step) {
        if (this.idle) {
          const seen = this.bytesIn;
          this.waitFor(step.idleClose, () => {
            if (this.bytesIn !== seen) return true;
            this.fin();
            return false;
          });
          return;
        }
      } else if ("serve" in step) {
        this.serve = step.serve;
      }
      this.stepIndex++;
    }
    if (this.serve !== null) this.serveNext();
  }

  /** Pauses the script for `ms`; then `proceed()` says whether to go on with the next step. */
  private waitFor(ms: number, proceed: () => boolean): void {
    this.waiting = true;
    this.cancelStepTimer = this.io.after(ms, () => {
      this.cancelStepTimer = null;
      if (!this.waiting) return;
      this.waiting = false;
      if (!proceed()) return;
      this.stepIndex++;
      this.advance();
    });
  }

  private finished(): void {
    if (this.end === "fin") this.fin();
    else if (this.end === "reset") this.reset();
    else this.pending.length = 0; // hold: requests are logged, never answered
  }

  private check(req: ReceivedRequest, match: RequestMatch): void {
    const problems: string[] = [];
    if (match.method !== undefined && req.method !== match.method)
      problems.push(`method ${req.method}`);
    if (match.target !== undefined && req.target !== match.target)
      problems.push(`target ${req.target}`);
    for (const [name, want] of Object.entries(match.headers ?? {})) {
      const got = req.fields
        .filter(([n]) => n.toLowerCase() === name.toLowerCase())
        .map(([, v]) => v);
      const value = got.length === 0 ? null : got.join(", ");
      if (value !== want) problems.push(`${name}: ${String(value)} (wanted ${String(want)})`);
    }
    if (problems.length > 0) {
      this.log.problems.push(
        `connection ${this.index}, ${req.method} ${req.target}: ${problems.join("; ")}`,
      );
    }
  }

  // --- serving -------------------------------------------------------------------

  private serveNext(): void {
    const opts = this.serve as ServeOptions;
    if (this.responding || this.closed) return;
    const req = this.pending.shift();
    if (req === undefined) {
      if (this.clientEnded) this.closed = true;
      else this.armIdleTimer(opts);
      return;
    }
    this.responding = true;
    const respond = (): void => {
      this.responding = false;
      if (this.closed) return;
      const { text, close } = serveResponse(req, opts, this.answered++);
      this.io.write(latin1(text));
      if (close) this.fin();
      else this.serveNext();
    };
    if (opts.delayMs !== undefined && opts.delayMs > 0) this.io.after(opts.delayMs, respond);
    else respond();
  }

  private armIdleTimer(opts: ServeOptions): void {
    const ms = opts.idleTimeoutMs;
    if (ms === undefined || !this.idle) return;
    this.cancelIdleTimer?.();
    const seen = this.bytesIn;
    this.cancelIdleTimer = this.io.after(ms, () => {
      this.cancelIdleTimer = null;
      if (this.idle && this.bytesIn === seen) this.fin();
    });
  }

  private clearTimers(): void {
    this.cancelStepTimer?.();
    this.cancelStepTimer = null;
    this.cancelIdleTimer?.();
    this.cancelIdleTimer = null;
  }
}
