/**
 * A scripted raw-TCP client: writes exactly the bytes a case gives and
 * records exactly what comes back, including whether the connection ended
 * with a FIN or a reset. Built on `node:net`, which Node, Bun and Deno all
 * provide, so the peer is independent of the adapter under test.
 */
import net from "node:net";

/** How a raw connection ended. */
export type RawEnd = "open" | "fin" | "reset" | "error";

/** One raw connection to a server under test. */
export class RawClient {
  private readonly socket: net.Socket;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private ended: RawEnd = "open";
  private waiters: (() => void)[] = [];
  private readonly connected: Promise<void>;

  /** End our side when the server's FIN arrives (what clients do). Default true. */
  closeOnFin = true;

  constructor(port: number, host = "127.0.0.1") {
    this.socket = net.connect({ port, host, allowHalfOpen: true, noDelay: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("error", reject);
    });
    this.socket.on("data", (b: Buffer) => {
      this.received.push(b);
      this.receivedBytes += b.length;
      this.wake();
    });
    this.socket.on("end", () => {
      if (this.ended === "open") this.ended = "fin";
      // Like a real client: once the server is done, so are we.
      if (this.closeOnFin) this.socket.end();
      this.wake();
    });
    this.socket.on("error", (e: NodeJS.ErrnoException) => {
      this.ended = e.code === "ECONNRESET" ? "reset" : "error";
      this.wake();
    });
    this.socket.on("close", () => {
      if (this.ended === "open") this.ended = "fin";
      this.wake();
    });
  }

  /** Connects (if not yet) and writes bytes. */
  async send(data: string | Uint8Array): Promise<void> {
    await this.connected;
    await new Promise<void>((resolve, reject) =>
      this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  }

  /** Half-closes: sends FIN, keeps reading. */
  async finish(): Promise<void> {
    await this.connected;
    this.socket.end();
  }

  /** Everything received so far, as latin1 text. */
  text(): string {
    return Buffer.concat(this.received).toString("latin1");
  }

  get bytes(): number {
    return this.receivedBytes;
  }

  /** How the connection ended so far. */
  get end(): RawEnd {
    return this.ended;
  }

  /** Waits until `done()` holds (checked on every arrival) or `ms` pass. */
  async until(done: (c: RawClient) => boolean, ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done(this)) {
      const left = deadline - Date.now();
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

  /** Waits for `count` complete responses (heads + Content-Length bodies or chunked ends). */
  async responses(count: number, ms = 5000): Promise<ParsedResponse[]> {
    let parsed: ParsedResponse[] = [];
    await this.until(() => {
      parsed = parseResponses(this.text());
      return parsed.length >= count || this.ended !== "open";
    }, ms);
    return parsed;
  }

  /** Waits for the server to end the connection. */
  async closed(ms = 5000): Promise<RawEnd> {
    await this.until(() => this.ended !== "open", ms);
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A response read back from raw bytes (for assertions only). */
export interface ParsedResponse {
  readonly status: number;
  readonly version: string;
  readonly headers: [string, string][];
  readonly body: string;
  header(name: string): string | undefined;
}

/**
 * A deliberately simple reader of the responses in `text` (Content-Length,
 * chunked, or no body for 1xx/204/304), for checking what a server sent.
 * It is independent of core's parser on purpose.
 */
export function parseResponses(text: string): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    if (headEnd === -1) return out;
    const lines = text.slice(at, headEnd).split("\r\n");
    const [version = "", code = "0"] = (lines[0] ?? "").split(" ");
    const status = Number(code);
    const headers = lines.slice(1).map((l): [string, string] => {
      const i = l.indexOf(":");
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
    const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
    let body = "";
    let next = headEnd + 4;
    const cl = get("content-length");
    if (status < 200 || status === 204 || status === 304) {
      // no body
    } else if (get("transfer-encoding")?.toLowerCase().includes("chunked")) {
      for (;;) {
        const lineEnd = text.indexOf("\r\n", next);
        if (lineEnd === -1) return out;
        const size = Number.parseInt(text.slice(next, lineEnd), 16);
        if (size === 0) {
          const end = text.indexOf("\r\n\r\n", lineEnd - 2);
          if (end === -1) return out;
          next = end + 4;
          break;
        }
        if (text.length < lineEnd + 2 + size + 2) return out;
        body += text.slice(lineEnd + 2, lineEnd + 2 + size);
        next = lineEnd + 2 + size + 2;
      }
    } else if (cl !== undefined) {
      const n = Number(cl);
      if (text.length < next + n) return out;
      body = text.slice(next, next + n);
      next += n;
    } else {
      body = text.slice(next);
      next = text.length;
    }
    out.push({ status, version, headers, body, header: (n) => get(n.toLowerCase()) });
    at = next;
    if (status >= 100 && status < 200 && status !== 101) continue;
  }
}
