/**
 * What one request parser made of one input, in a shape both Tether's parser
 * and llhttp can be reduced to, and the comparison of two such outcomes.
 */
import type { ProtocolErrorCode } from "../../src/errors.ts";
import type { ParseEvent } from "../../src/message.ts";
import { MessageParser } from "../../src/parser.ts";

/** One request as a parser reported it. */
export interface SeenMessage {
  readonly method: string;
  readonly target: string;
  /** `major.minor` as on the wire. */
  readonly version: string;
  /** Field lines in order, names as received, values without surrounding OWS. */
  readonly headers: readonly (readonly [string, string])[];
  /** Body octets so far (latin1), de-chunked. */
  body: string;
  /** The message ended (`end` event / llhttp's message-complete). */
  complete: boolean;
  trailers: readonly (readonly [string, string])[] | null;
}

/** Everything a parser made of an input (no EOF signalled). */
export interface Outcome {
  readonly messages: SeenMessage[];
  /** Tether: the ProtocolErrorCode; llhttp: its `HPE_*` code; `null`: accepted so far. */
  readonly error: string | null;
  readonly reason: string | null;
  /** The last message asks to switch protocols (Upgrade or CONNECT); nothing after it is compared. */
  readonly switched: boolean;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

/** Parses `input` as requests with Tether's parser, strict, without EOF. */
export function tetherRequests(input: Uint8Array): Outcome {
  const parser = new MessageParser({ kind: "request" });
  parser.feed(input);
  const messages: SeenMessage[] = [];
  let error: ProtocolErrorCode | null = null;
  let reason: string | null = null;
  const apply = (ev: ParseEvent): void => {
    const cur = messages[messages.length - 1];
    if (ev.type === "request") {
      messages.push({
        method: ev.head.method,
        target: ev.head.target,
        version: `1.${ev.head.minor}`,
        headers: ev.head.fields.toJSON(),
        body: "",
        complete: false,
        trailers: null,
      });
    } else if (ev.type === "data" && cur !== undefined) cur.body += latin1(ev.data);
    else if (ev.type === "end" && cur !== undefined) {
      cur.complete = true;
      cur.trailers = ev.trailers === null ? null : ev.trailers.toJSON();
    } else if (ev.type === "error") {
      error = ev.error.code;
      reason = ev.error.message;
    }
  };
  for (let i = 0; i < 10_000; i++) {
    const ev = parser.next();
    if (ev === null) break;
    apply(ev);
  }
  return { messages, error, reason, switched: parser.state === "awaiting-switch" };
}

/** A message in comparable form; `headOnly` leaves out what follows the head. */
function comparable(m: SeenMessage | undefined, headOnly: boolean): string {
  if (m === undefined) return "none";
  const head = { method: m.method, target: m.target, version: m.version, headers: m.headers };
  if (headOnly) return JSON.stringify(head);
  return JSON.stringify({
    ...head,
    body: m.body,
    complete: m.complete,
    trailers: m.trailers ?? [],
  });
}

/** The index of the message an outcome's error belongs to (Infinity: no error). */
function errorIndex(o: Outcome): number {
  if (o.error === null) return Number.POSITIVE_INFINITY;
  const last = o.messages[o.messages.length - 1];
  return last !== undefined && !last.complete ? o.messages.length - 1 : o.messages.length;
}

/** Where two outcomes first part ways. */
export interface Divergence {
  /** The first message the two parsers disagree about. */
  readonly index: number;
  /**
   * `stricter`: we reject message `index`, llhttp does not; `laxer`: llhttp
   * rejects it, we do not; `content`: neither rejects it, but they read it differently.
   */
  readonly kind: "stricter" | "laxer" | "content";
  readonly ours: SeenMessage | undefined;
  readonly theirs: SeenMessage | undefined;
  /** Our error code, when we reject message `index`. */
  readonly ourError: string | null;
  /** llhttp's error code and reason, when it rejects message `index`. */
  readonly theirError: string | null;
  readonly theirReason: string | null;
}

/**
 * The first message the outcomes disagree about, or `null` when they agree:
 * the same messages, and either no error or an error in the same message on
 * both sides (whatever the codes). After a message that switches protocols
 * on llhttp's side, only its head is compared: Node's binding stops
 * reporting errors once a request asks to upgrade, and what follows is no
 * longer HTTP/1.1 (RFC 9110 §7.8).
 */
export function divergence(ours: Outcome, theirs: Outcome): Divergence | null {
  const oe = errorIndex(ours);
  const te = errorIndex(theirs);
  // An error belongs at most to the message after the last one reported.
  const n = Math.max(ours.messages.length, theirs.messages.length) + 1;
  for (let i = 0; i < n; i++) {
    const lastOfSwitch = theirs.switched && i === theirs.messages.length - 1;
    const at = (kind: Divergence["kind"]): Divergence => ({
      index: i,
      kind,
      ours: ours.messages[i],
      theirs: theirs.messages[i],
      ourError: i === oe ? ours.error : null,
      theirError: i === te ? theirs.error : null,
      theirReason: i === te ? theirs.reason : null,
    });
    if (i === oe && i === te) return null;
    if (lastOfSwitch && ours.messages[i] !== undefined) {
      return comparable(ours.messages[i], true) === comparable(theirs.messages[i], true)
        ? null
        : at("content");
    }
    if (i === oe) return at("stricter");
    if (i === te) return at("laxer");
    if (comparable(ours.messages[i], false) !== comparable(theirs.messages[i], false)) {
      return at("content");
    }
  }
  return null;
}
