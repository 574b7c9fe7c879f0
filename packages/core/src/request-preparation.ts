/**
 * A request head prepared once for any connection (RFC 9112 §3, §6, §9):
 * its framing, whether the connection may persist after it, the fields a
 * client adds or reorders (Connection: keep-alive for HTTP/1.0, the
 * "upgrade" option beside Upgrade, Host first), the protocols it offers to
 * switch to, and its octets. The pool prepares each request once and
 * writes the same octets on every attempt (client-pool.ts, pool-request.ts);
 * a {@link ClientConnection} prepares what it is given directly.
 */
import type { ClientConnection } from "./client-connection.ts";
import type { UsageError } from "./errors.ts";
import { equalsIgnoreCase, Fields } from "./fields.ts";
import { type CloseReason, messageAllowsPersistence } from "./keep-alive.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { chooseFraming } from "./outgoing-framing.ts";
import { type OutgoingRequestHead, serializeRequestHead } from "./serializer.ts";

/** Options for {@link ClientConnection.request}. */
export interface RequestOptions {
  /**
   * Body octets: a number when known, `null` when streamed (chunked; HTTP/1.1
   * only), omitted for no body.
   */
  readonly bodyLength?: number | null;
}

/**
 * A request head checked, framed and serialized once, ready to be written
 * on any connection of the same kind (direct or to a proxy): see
 * {@link prepareRequest} and {@link ClientConnection.sendPrepared}.
 */
export interface PreparedRequest {
  readonly method: string;
  readonly version: HttpVersion;
  readonly framing: BodyFraming;
  /** Why no message may follow this request on its connection (its own `Connection: close` …), or `null`. */
  readonly closeReason: CloseReason | null;
  /**
   * The protocols the request's Upgrade field offers (lower-cased, RFC 9110
   * §7.8), `null` when it has none: a 101 may switch to these only.
   */
  readonly upgrade: readonly string[] | null;
  /** The head's octets. */
  readonly bytes: Uint8Array;
}

/**
 * Prepares a request head: its framing (RFC 9112 §6), `Connection:
 * keep-alive` for an HTTP/1.0 request that does not say otherwise (RFC 9112
 * §9.3), `Connection: upgrade` beside an Upgrade field that lacks it (RFC
 * 9110 §7.8), the protocols it offers, whether the connection persists
 * after it, and its octets. `proxy`:
 * the connection goes to a proxy (an HTTP/1.0 keep-alive does not hold
 * there, RFC 9112 §9.3 item 3). Throws a {@link UsageError} for a head the
 * serializer refuses. `head.fields` is used as is (not copied) when it is a
 * {@link Fields}: it may be appended to, and a Host in it is moved to the
 * front (RFC 9110 §7.2).
 */
export function prepareRequest(
  head: OutgoingRequestHead,
  options: RequestOptions,
  proxy: boolean,
): PreparedRequest {
  const version = head.version ?? "1.1";
  const framing = chooseFraming({
    kind: "request",
    version,
    method: head.method,
    bodyLength: options.bodyLength,
  });
  const given = head.fields ?? [];
  const fields = given instanceof Fields ? given : Fields.from(given);
  if (version === "1.0") {
    const tokens = fields.tokens("connection");
    if (!tokens.includes("close") && !tokens.includes("keep-alive")) {
      fields.append("Connection", "keep-alive");
    }
  }
  hostFirst(fields);
  const upgrade = fields.has("upgrade") ? fields.tokens("upgrade") : null;
  // RFC 9110 §7.8: a sender of Upgrade also sends the "upgrade" connection
  // option, so that intermediaries do not forward the field.
  if (upgrade !== null && !fields.hasToken("connection", "upgrade")) {
    fields.append("Connection", "upgrade");
  }
  const own = messageAllowsPersistence({ version, fields, framing }, { kind: "request", proxy });
  // Properties written out, not spread: spreading a head costs microseconds per request on V8.
  const bytes = serializeRequestHead(
    { method: head.method, target: head.target, version, fields },
    framing,
  );
  return { method: head.method, version, framing, closeReason: own.reason, upgrade, bytes };
}

/** Whether `name` is `Host`, in any case (without a lower-cased copy). */
function isHost(name: string): boolean {
  return name.length === 4 && equalsIgnoreCase(name, "host");
}

/**
 * RFC 9110 §7.2: a user agent that sends Host SHOULD send it as the first
 * field of the header section (a server may then route the request before
 * the rest of the head is read). A Host given later among the fields is
 * moved to the front; the other fields keep their order.
 */
function hostFirst(fields: Fields): void {
  const raw = fields.raw;
  if (raw.length <= 2 || isHost(raw[0] as string)) return;
  for (let i = 2; i < raw.length; i += 2) {
    if (isHost(raw[i] as string)) {
      const [name, value] = raw.splice(i, 2) as [string, string];
      raw.unshift(name, value);
      return;
    }
  }
}
