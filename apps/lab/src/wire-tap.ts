/**
 * What the link sees of the HTTP messages it carries: where each request
 * and response starts and ends in the byte streams, so the relay can time
 * them (the waterfall) and cut a connection between two of them (faults).
 *
 * The taps understand exactly what the lab's own client and server send —
 * requests without bodies, responses framed by `Content-Length` (or by the
 * close) — and nothing more; they are instruments, not parsers. The client
 * and server themselves are Tether's, over the adapters' socket layer.
 */

/** A run of bytes that belongs to one message. */
export interface Span {
  readonly from: number;
  readonly to: number;
  /** The message's number on its connection, from 0. */
  readonly index: number;
  /** The span holds the message's first byte. */
  readonly starts: boolean;
  /** The span holds the message's last byte. */
  readonly ends: boolean;
}

const CR = 13;
const LF = 10;
/** Heads larger than this are not kept whole (only their first line matters). */
const MAX_KEPT = 16 * 1024;

/** Finds the ends of heads (CRLF CRLF) and keeps each head's text (latin-1). */
class HeadReader {
  private matched = 0;
  private text = "";

  /** Reads from `at`; returns the offset after the head's end, or -1 when it needs more. */
  read(bytes: Uint8Array, at: number): number {
    for (let i = at; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.text.length < MAX_KEPT) this.text += String.fromCharCode(b);
      const want = this.matched % 2 === 0 ? CR : LF;
      if (b === want) this.matched++;
      else this.matched = b === CR ? 1 : 0;
      if (this.matched === 4) {
        this.matched = 0;
        return i + 1;
      }
    }
    return -1;
  }

  /** The head read so far, then forgotten. */
  take(): string {
    const t = this.text;
    this.text = "";
    return t;
  }

  get empty(): boolean {
    return this.text.length === 0;
  }
}

/** A request's first line. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly version: string;
}

/** Splits a client→server stream of body-less requests into spans, one per request. */
export class RequestTap {
  private readonly head = new HeadReader();
  private index = 0;
  /** Request lines by index, as they complete. */
  readonly lines: RequestLine[] = [];

  feed(bytes: Uint8Array): Span[] {
    const spans: Span[] = [];
    let at = 0;
    while (at < bytes.length) {
      const starts = this.head.empty;
      const end = this.head.read(bytes, at);
      if (end < 0) {
        spans.push({ from: at, to: bytes.length, index: this.index, starts, ends: false });
        break;
      }
      spans.push({ from: at, to: end, index: this.index, starts, ends: true });
      const [method = "", target = "", version = ""] = (
        this.head.take().split("\r\n")[0] ?? ""
      ).split(" ");
      this.lines[this.index] = { method, target, version };
      this.index++;
      at = end;
    }
    return spans;
  }
}

/** A response's status line and framing, once its head is complete. */
export interface ResponseHeadInfo {
  readonly status: number;
  readonly version: string;
  /** `null` when the body runs to the close. */
  readonly contentLength: number | null;
  /** The server said `Connection: close`. */
  readonly close: boolean;
}

/** Splits a server→client stream into spans, one per response. */
export class ResponseTap {
  private readonly head = new HeadReader();
  private index = 0;
  private inBody = false;
  private remaining = 0;
  private toClose = false;
  /** Response heads by index, as they complete. */
  readonly heads: ResponseHeadInfo[] = [];
  /** Responses complete so far. */
  completed = 0;

  feed(bytes: Uint8Array): Span[] {
    const spans: Span[] = [];
    let at = 0;
    let startsAt = -1;
    let starts = false;
    while (at < bytes.length) {
      if (!this.inBody) {
        if (startsAt < 0) {
          startsAt = at;
          starts = this.head.empty;
        }
        const end = this.head.read(bytes, at);
        if (end < 0) break;
        const info = parseHead(this.head.take());
        this.heads[this.index] = info;
        this.inBody = true;
        this.toClose = info.contentLength === null;
        this.remaining = info.contentLength ?? 0;
        at = end;
      } else if (this.toClose) {
        if (startsAt < 0) {
          startsAt = at;
          starts = false;
        }
        at = bytes.length;
        break;
      } else {
        if (startsAt < 0) {
          startsAt = at;
          starts = false;
        }
        const n = Math.min(this.remaining, bytes.length - at);
        this.remaining -= n;
        at += n;
      }
      if (this.inBody && !this.toClose && this.remaining === 0) {
        spans.push({ from: startsAt, to: at, index: this.index, starts, ends: true });
        this.index++;
        this.completed++;
        this.inBody = false;
        startsAt = -1;
      }
    }
    if (startsAt >= 0 && startsAt < bytes.length) {
      spans.push({ from: startsAt, to: bytes.length, index: this.index, starts, ends: false });
    }
    return spans;
  }

  /** The stream closed: a body delimited by the close is complete. */
  closed(): boolean {
    if (this.inBody && this.toClose) {
      this.completed++;
      this.index++;
      this.inBody = false;
      return true;
    }
    return false;
  }
}

function parseHead(text: string): ResponseHeadInfo {
  const lines = text.split("\r\n");
  const [version = "", status = "0"] = (lines[0] ?? "").split(" ");
  let contentLength: number | null = null;
  let close = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") contentLength = Number(value);
    if (name === "connection" && /(^|,)\s*close\s*(,|$)/i.test(value)) close = true;
  }
  return { status: Number(status), version, contentLength, close };
}
