/**
 * From a complete head to its event: the checks that need the whole head
 * (Host, RFC 9112 §3.2; framing, §6), the body framing, and the strings.
 */
import { ProtocolError } from "./errors.ts";
import type { Fields } from "./fields.ts";
import { FRAMING_NONE, requestFraming, responseForcesClose, responseFraming } from "./framing.ts";
import type { HeadReader } from "./head-reader.ts";
import type { BodyFraming, HttpVersion, ParseEvent } from "./message.ts";

/** The two head events. */
export type HeadEvent = Extract<ParseEvent, { type: "request" | "response" }>;

// The results below are told from their error by a property that only one
// side has, not by `instanceof ProtocolError`: with a class imported from
// another module, V8 (Node 20) runs its generic instanceof builtins (a
// Symbol.hasInstance lookup, then a prototype walk) at every check, about
// 250 instructions each (counted with valgrind), where a property load
// costs a few.

/** Whether a framing result is the error: every {@link BodyFraming} has a `kind`. */
function isFramingError(r: BodyFraming | ProtocolError): r is ProtocolError {
  return (r as { readonly kind?: string }).kind === undefined;
}

/** Whether a head result is the error: every {@link HeadEvent} has a `type`. */
export function isHeadError(r: HeadEvent | ProtocolError): r is ProtocolError {
  return (r as { readonly type?: string }).type === undefined;
}

function versionOf(minor: number): HttpVersion {
  return minor === 0 ? "1.0" : "1.1";
}

/**
 * The `request` event for the complete request head in `reader`, which
 * starts at `b[base]`, or the error.
 */
export function requestEvent(
  reader: HeadReader,
  b: Uint8Array,
  base: number,
): HeadEvent | ProtocolError {
  const line = reader.requestLine;
  const facts = reader.facts;
  const text = reader.text(b, base);
  const fields = reader.fields(text);
  const minor = line.minor;
  // RFC 9112 §3.2: 400 for a 1.1 request without Host, for more than one Host
  // line, and for an invalid Host value. An empty value is allowed only when
  // the target has no authority of its own.
  if (facts.hostCount === 0) {
    if (minor >= 1) {
      return new ProtocolError("MISSING_HOST", "HTTP/1.1 request without Host (RFC 9112 §3.2)");
    }
  } else if (facts.hostCount > 1) {
    return new ProtocolError("DUPLICATE_HOST", "more than one Host field line (RFC 9112 §3.2)");
  } else if (!facts.hostValid || (facts.hostEmpty && line.targetHasAuthority)) {
    return new ProtocolError("INVALID_HOST", 'Host must be uri-host [ ":" port ] (RFC 9112 §3.2)');
  }
  // RFC 9110 §9.3.6: a CONNECT request has no content; what follows is the tunnel.
  const framing = line.isConnect
    ? FRAMING_NONE
    : requestFraming(facts.contentLength, facts.transferEncodings(fields), minor);
  if (isFramingError(framing)) return framing;
  return {
    type: "request",
    head: {
      method: line.knownMethod ?? text.slice(0, line.methodEnd),
      target: text.slice(line.targetStart, line.targetEnd),
      targetForm: line.form,
      version: versionOf(minor),
      minor,
      fields,
    },
    framing,
    // RFC 9110 §10.1.1: 100-continue is meaningful from HTTP/1.1 on.
    expectContinue: minor >= 1 && facts.hasExpect && fields.hasToken("expect", "100-continue"),
  };
}

/**
 * The request in `reader`, whose field lines are `fields`, asks to leave
 * HTTP/1.1 once it ends: CONNECT (RFC 9110 §9.3.6), or Upgrade with the
 * "upgrade" Connection option (RFC 9110 §7.8; an Upgrade in an HTTP/1.0
 * request is ignored).
 */
export function requestAsksToSwitch(reader: HeadReader, fields: Fields): boolean {
  const facts = reader.facts;
  return (
    reader.requestLine.isConnect ||
    (reader.requestLine.minor >= 1 &&
      facts.hasUpgrade &&
      facts.hasConnection &&
      fields.hasToken("connection", "upgrade"))
  );
}

/**
 * The `response` event for the complete response head in `reader`, which
 * starts at `b[base]`, answering a request with `method`, or the error.
 */
export function responseEvent(
  reader: HeadReader,
  b: Uint8Array,
  base: number,
  method: string,
): HeadEvent | ProtocolError {
  const line = reader.statusLine;
  const facts = reader.facts;
  const text = reader.text(b, base);
  const fields = reader.fields(text);
  const status = line.status;
  const minor = line.minor;
  const te = facts.transferEncodings(fields);
  const framing = responseFraming(status, method, facts.contentLength, te, minor);
  if (isFramingError(framing)) return framing;
  return {
    type: "response",
    head: {
      status,
      reason: text.slice(line.reasonStart, line.reasonEnd),
      version: versionOf(minor),
      minor,
      fields,
    },
    framing,
    // RFC 9110 §15.2: 1xx are interim, except 101 which ends the exchange.
    interim: status < 200 && status !== 101,
    closeAfter: responseForcesClose(framing, facts.contentLength, te !== null, minor),
  };
}
