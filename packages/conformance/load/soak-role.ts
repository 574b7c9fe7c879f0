/**
 * The client process of `soak`: mixed load against the server under test
 * for a while, then a report. Every worker loops until the time is up:
 *
 * | worker            | what it does                                                  | counted as an error            |
 * |-------------------|---------------------------------------------------------------|--------------------------------|
 * | tether client     | bursts of GET /bytes, GET /chunked, keyed POST /echo through the runtime's `createClient` (pipelining 4), pausing past the server's idle timeout now and then | any failed request or wrong body |
 * | raw pipeliner     | 2–32 pipelined GETs in one write, reads every answer, then FIN, reset, or idles until the server's idle timeout closes it | a wrong or missing answer; no close within the timeout |
 * | request resetter  | part of a head or body, then RST (or FIN)                     | —                              |
 * | response resetter | a large GET, then RST after a random part of the answer       | —                              |
 * | staller           | part of a head (408 and close expected) or a head and part of a body (close expected), or nothing at all (idle close expected) | no close, or no 408 after a head stall |
 *
 * Raw connections come from several loopback addresses (127.0.0.2 …), so
 * neither the per-client cap nor the ephemeral ports run out.
 */
import net from "node:net";
import type { CreateClient, TetherClient } from "@tether/adapter-kit";
import { parseResponses } from "../src/raw-client.ts";
import { sourceAddress } from "./connections-role.ts";
import { arg, listen, tell } from "./ipc.ts";

/** The server's timers in soak mode (server-role.ts), plus slack for a loaded machine. */
const CLOSE_WITHIN_MS = 1500 + 3000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function rand(n: number): number {
  return Math.floor(Math.random() * n);
}

/** What the soak counts. */
interface Tally {
  tetherRequests: number;
  pipelinedResponses: number;
  pipelinedConnections: number;
  idleClosed: number;
  requestResets: number;
  responseResets: number;
  headStalls408: number;
  bodyStallsClosed: number;
  errors: number;
  firstErrors: string[];
}

/** One raw connection: collects what arrives and how it ended. */
class Raw {
  readonly socket: net.Socket;
  data: Buffer = Buffer.alloc(0);
  ended: "open" | "fin" | "reset" | "error" = "open";
  private waiters: (() => void)[] = [];

  constructor(port: number, localAddress: string, live: Set<Raw>) {
    this.socket = net.connect({ port, host: "127.0.0.1", localAddress, allowHalfOpen: true });
    this.socket.setNoDelay(true);
    live.add(this);
    this.socket.on("data", (b: Buffer) => {
      this.data = this.data.length === 0 ? b : Buffer.concat([this.data, b]);
      this.wake();
    });
    this.socket.on("end", () => {
      if (this.ended === "open") this.ended = "fin";
      this.socket.end();
      this.wake();
    });
    this.socket.on("error", (e: NodeJS.ErrnoException) => {
      this.ended = e.code === "ECONNRESET" ? "reset" : "error";
      this.wake();
    });
    this.socket.on("close", () => {
      if (this.ended === "open") this.ended = "fin";
      live.delete(this);
      this.wake();
    });
  }

  write(data: string): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.from(data, "latin1"));
  }

  reset(): void {
    if (typeof this.socket.resetAndDestroy === "function") this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /** Waits until `done()` holds or `ms` pass. */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Byte i of /bytes/N and /chunked/N is i mod 256. */
function patterned(body: Uint8Array | string, n: number): boolean {
  if (body.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const b = typeof body === "string" ? body.charCodeAt(i) : body[i];
    if (b !== (i & 0xff)) return false;
  }
  return true;
}

/** The soak's workers over one port until `deadline` (performance.now() time). */
class Soak {
  readonly tally: Tally = {
    tetherRequests: 0,
    pipelinedResponses: 0,
    pipelinedConnections: 0,
    idleClosed: 0,
    requestResets: 0,
    responseResets: 0,
    headStalls408: 0,
    bodyStallsClosed: 0,
    errors: 0,
    firstErrors: [],
  };
  readonly live = new Set<Raw>();
  private next = 0;

  constructor(
    private readonly port: number,
    private readonly deadline: number,
    private readonly addresses: number,
  ) {}

  get running(): boolean {
    return performance.now() < this.deadline;
  }

  error(what: string): void {
    this.tally.errors++;
    if (this.tally.firstErrors.length < 20) this.tally.firstErrors.push(what);
  }

  raw(): Raw {
    return new Raw(this.port, sourceAddress(this.next++, this.addresses), this.live);
  }

  async tether(client: TetherClient): Promise<void> {
    const base = `http://127.0.0.1:${this.port}`;
    while (this.running) {
      await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const n = rand(40_000);
          try {
            if (i % 3 === 0) {
              const r = await client.request({ url: `${base}/bytes/${n}` });
              if (r.status !== 200 || !patterned(r.body, n)) this.error(`tether /bytes/${n}`);
            } else if (i % 3 === 1) {
              const r = await client.request({ url: `${base}/chunked/${n}` });
              if (r.status !== 200 || !patterned(r.body, n)) this.error(`tether /chunked/${n}`);
            } else {
              const body = `soak ${n}`;
              const r = await client.request({
                url: `${base}/echo`,
                method: "POST",
                headers: [["Idempotency-Key", `k${n}-${i}`]],
                body,
              });
              const echoed = JSON.parse(new TextDecoder().decode(r.body)) as { body: string };
              if (r.status !== 200 || echoed.body !== body) this.error("tether POST /echo");
            }
            this.tally.tetherRequests++;
          } catch (e) {
            this.error(`tether: ${(e as Error).message}`);
          }
        }),
      );
      // Now and then idle past the server's keep-alive timeout: its idle timers fire.
      await sleep(Math.random() < 0.2 ? 1300 : 5);
    }
  }

  async pipeliner(): Promise<void> {
    while (this.running) {
      const c = this.raw();
      const sizes = Array.from({ length: 2 + rand(31) }, () => rand(2000));
      c.write(sizes.map((n) => `GET /bytes/${n} HTTP/1.1\r\nHost: soak\r\n\r\n`).join(""));
      let parsed = parseResponses("");
      await c.until(() => {
        parsed = parseResponses(c.data.toString("latin1"));
        return parsed.length >= sizes.length || c.ended !== "open";
      }, 10_000);
      const right = parsed.every((r, i) => r.status === 200 && patterned(r.body, sizes[i] ?? -1));
      if (parsed.length !== sizes.length || !right) {
        this.error(`pipeliner: ${parsed.length} of ${sizes.length} answers, right: ${right}`);
      }
      this.tally.pipelinedResponses += parsed.length;
      this.tally.pipelinedConnections++;
      const what = rand(4);
      if (what === 0) c.reset();
      else if (what === 1) {
        // Idle: the server's idle timeout closes it.
        if (!(await c.until(() => c.ended !== "open", CLOSE_WITHIN_MS))) {
          this.error("pipeliner: an idle connection was not closed");
        } else this.tally.idleClosed++;
        c.socket.destroy();
      } else c.socket.end();
      await sleep(2);
    }
  }

  async requestResetter(): Promise<void> {
    while (this.running) {
      const c = this.raw();
      const request =
        Math.random() < 0.5
          ? `GET /bytes/100 HTTP/1.1\r\nHost: soak\r\nX-Pad: ${"p".repeat(rand(3000))}\r\n\r\n`
          : `POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: 5000\r\n\r\n${"b".repeat(5000)}`;
      c.write(request.slice(0, 1 + rand(request.length - 1)));
      await sleep(rand(30));
      if (Math.random() < 0.7) c.reset();
      else c.socket.destroy();
      this.tally.requestResets++;
      await sleep(3);
    }
  }

  async responseResetter(): Promise<void> {
    while (this.running) {
      const c = this.raw();
      const n = 100_000 + rand(900_000);
      c.write(
        `GET /${Math.random() < 0.5 ? "bytes" : "chunked"}/${n} HTTP/1.1\r\nHost: soak\r\n\r\n`,
      );
      const cut = 1 + rand(n);
      await c.until(() => c.data.length >= cut || c.ended !== "open", 10_000);
      c.reset();
      this.tally.responseResets++;
      await sleep(3);
    }
  }

  async staller(): Promise<void> {
    while (this.running) {
      const c = this.raw();
      const what = rand(3);
      if (what === 0) c.write("GET /bytes/1 HTTP/1.1\r\nHost: so");
      else if (what === 1)
        c.write("POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: 100\r\n\r\n0123");
      const closed = await c.until(() => c.ended !== "open", CLOSE_WITHIN_MS);
      if (!closed) this.error(`staller ${what}: not closed`);
      else if (what === 0) {
        if (!c.data.toString("latin1").startsWith("HTTP/1.1 408 ")) {
          this.error(`staller: no 408 but ${JSON.stringify(c.data.subarray(0, 20).toString())}`);
        } else this.tally.headStalls408++;
      } else if (what === 1) this.tally.bodyStallsClosed++;
      else this.tally.idleClosed++;
      c.socket.destroy();
    }
  }
}

/** Runs the soak client process. */
export async function soakRole(createClient: CreateClient, args: readonly string[]): Promise<void> {
  const port = Number(arg(args, "port", "0"));
  const seconds = Number(arg(args, "seconds", "10"));
  const addresses = Number(arg(args, "addresses", "10"));
  const soak = new Soak(port, performance.now() + seconds * 1000, addresses);
  const client = createClient({
    pipelining: 4,
    connectionsPerOrigin: 4,
    keepAliveSafetyMarginMs: 300,
  });
  const progress = setInterval(() => tell({ type: "progress", ...soak.tally }), 10_000);
  // `--workers tether,pipeliner,…` runs only those kinds (for finding which load a failure needs).
  const only = arg(args, "workers", "all").split(",");
  const kinds: [string, () => Promise<void>][] = [
    ["tether", () => soak.tether(client)],
    ["tether", () => soak.tether(client)],
    ["pipeliner", () => soak.pipeliner()],
    ["pipeliner", () => soak.pipeliner()],
    ["pipeliner", () => soak.pipeliner()],
    ["request-resetter", () => soak.requestResetter()],
    ["request-resetter", () => soak.requestResetter()],
    ["response-resetter", () => soak.responseResetter()],
    ["response-resetter", () => soak.responseResetter()],
    ["staller", () => soak.staller()],
    ["staller", () => soak.staller()],
  ];
  await Promise.all(
    kinds.filter(([kind]) => only.includes("all") || only.includes(kind)).map(([, run]) => run()),
  );
  clearInterval(progress);
  await client.close();
  for (const c of soak.live) c.socket.destroy();
  tell({ type: "done", ...soak.tally, clientStats: client.stats() });
  listen((command) => {
    if (command === "close" || command === "eof") process.exit(0);
  });
}
