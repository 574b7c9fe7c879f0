/**
 * Encoding an outgoing body for its {@link BodyFraming} (RFC 9112 §6, §7.1).
 *
 * `encode` returns a list of buffers rather than one, so body data is never
 * copied: a chunk becomes `[size-line, data, CRLF]` and the caller hands the
 * list to a vectored write. Empty input produces nothing — in chunked coding
 * a zero-size chunk would end the body (RFC 9112 §7.1: `last-chunk`).
 *
 * | framing  | encode(data)               | finish(trailers)                       |
 * |----------|----------------------------|----------------------------------------|
 * | none     | only empty data            | nothing                                |
 * | length n | data, up to n octets total | nothing; fewer than n octets → error   |
 * | chunked  | size-line, data, CRLF      | `0` CRLF, trailer section, CRLF        |
 * | close    | data                       | nothing; the caller closes (§6.3 item 8) |
 * | tunnel   | data (not HTTP any more)   | nothing                                |
 *
 * Trailers are only possible with chunked (RFC 9112 §7.1.2). Errors are
 * {@link UsageError}s and leave the encoder as it was.
 */
import { UsageError } from "./errors.ts";
import { Fields } from "./fields.ts";
import { encodeLatin1 } from "./latin1-encode.ts";
import type { BodyFraming } from "./message.ts";
import { fieldError, type OutgoingFields, scanFields } from "./outgoing-fields.ts";

/** Turns body data into wire octets for one message. */
export interface BodyEncoder {
  /** The framing this encoder applies. */
  readonly framing: BodyFraming;
  /** Body octets accepted so far (before chunked coding). */
  readonly bytesEncoded: number;
  /** `finish` has been called. */
  readonly finished: boolean;
  /**
   * Wire buffers for `data`, in order. `data` itself is one of them (not
   * copied): do not reuse its memory until it has been written.
   */
  encode(data: Uint8Array): Uint8Array[];
  /**
   * Wire buffers that end the body. `trailers` (chunked only) become the
   * trailer section (RFC 9112 §7.1.2).
   */
  finish(trailers?: OutgoingFields): Uint8Array[];
}

/** Creates the encoder for one message body. */
export function createBodyEncoder(framing: BodyFraming): BodyEncoder {
  return new FramedBodyEncoder(framing);
}

const CRLF_BYTES = new Uint8Array([0x0d, 0x0a]);

/**
 * Fields that cannot be trailers: message framing, routing and connection
 * control (a conservative subset of RFC 9110 §6.5.1, which forbids sending
 * a field as a trailer unless its definition allows it).
 */
const FORBIDDEN_TRAILERS: ReadonlySet<string> = new Set([
  "content-length",
  "transfer-encoding",
  "trailer",
  "host",
  "connection",
  "keep-alive",
  "te",
  "upgrade",
]);

class FramedBodyEncoder implements BodyEncoder {
  readonly framing: BodyFraming;
  bytesEncoded = 0;
  finished = false;

  constructor(framing: BodyFraming) {
    this.framing = framing;
  }

  encode(data: Uint8Array): Uint8Array[] {
    if (this.finished) throw new UsageError("INVALID_STATE", "body already finished");
    const n = data.length;
    if (n === 0) return [];
    const framing = this.framing;
    switch (framing.kind) {
      case "none":
        throw new UsageError("BODY_NOT_ALLOWED", "this message has no body");
      case "length":
        // RFC 9112 §6.2 / RFC 9110 §8.6: exactly the declared number of octets.
        if (this.bytesEncoded + n > framing.length) {
          throw new UsageError(
            "BODY_LENGTH_MISMATCH",
            `body exceeds its Content-Length ${framing.length} (${this.bytesEncoded + n} octets)`,
          );
        }
        this.bytesEncoded += n;
        return [data];
      case "chunked":
        this.bytesEncoded += n;
        // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
        return [encodeLatin1(`${n.toString(16)}\r\n`, true), data, CRLF_BYTES];
      case "close":
      case "tunnel":
        this.bytesEncoded += n;
        return [data];
    }
  }

  finish(trailers?: OutgoingFields): Uint8Array[] {
    if (this.finished) throw new UsageError("INVALID_STATE", "body already finished");
    const framing = this.framing;
    const section = trailers === undefined ? null : trailerSection(trailers);
    if (section !== null && section.text !== "" && framing.kind !== "chunked") {
      throw new UsageError("TRAILERS_NOT_ALLOWED", "trailers need chunked framing");
    }
    if (framing.kind === "length" && this.bytesEncoded !== framing.length) {
      throw new UsageError(
        "BODY_LENGTH_MISMATCH",
        `body ended after ${this.bytesEncoded} of ${framing.length} octets`,
      );
    }
    this.finished = true;
    if (framing.kind !== "chunked") return [];
    // RFC 9112 §7.1: last-chunk trailer-section CRLF, with last-chunk = "0" CRLF.
    if (section === null) return [encodeLatin1("0\r\n\r\n", true)];
    return [encodeLatin1(`0\r\n${section.text}\r\n`, section.ascii)];
  }
}

/** Validates and serializes trailer fields (RFC 9112 §7.1.2, RFC 9110 §6.5). */
function trailerSection(trailers: OutgoingFields): { text: string; ascii: boolean } {
  // Iterated twice, so a one-shot iterable is copied first.
  const fields = trailers instanceof Fields ? trailers : Fields.from(trailers);
  const scan = scanFields(fields);
  if (scan.text !== "") {
    for (const [name] of fields) {
      if (FORBIDDEN_TRAILERS.has(name.toLowerCase())) {
        fieldError(`${name} cannot be sent as a trailer (RFC 9110 §6.5.1)`);
      }
    }
  }
  return scan;
}
