/**
 * Opening a CONNECT tunnel through an HTTP proxy, for an `https` origin
 * (RFC 9110 §9.3.6). The pool connects to the proxy, then this exchange
 * runs on the socket before any request of the caller's:
 *
 * | # | step                                                        | rule                                 |
 * |---|-------------------------------------------------------------|--------------------------------------|
 * | 1 | write `CONNECT host:port HTTP/1.1` with `Host: host:port`     | RFC 9112 §3.2.3: authority-form, the port always given; RFC 9112 §3.2: Host in every 1.1 request |
 * | 2 | a 1xx answer is skipped                                      | RFC 9110 §15.2                       |
 * | 3 | a 2xx answer: the socket is a tunnel from the end of its head | RFC 9110 §9.3.6; RFC 9112 §6.3 item 2: a 2xx to CONNECT has no body |
 * | 4 | any other final answer: the tunnel is refused (`status`)      | RFC 9110 §9.3.6: "any response other than a successful response indicates that the tunnel has not yet been formed" |
 * | 5 | octets after the 2xx head, before our TLS ClientHello: failed | TLS clients speak first (RFC 8446 §2): nothing of the origin's may come yet |
 * | 6 | the proxy closes before a final answer: failed (transport)     | RFC 9112 §9.3.1: nothing of the request was applied |
 *
 * After step 3 the pool asks the adapter to start TLS as the client of the
 * origin (`start-tls`); the connection then carries requests in origin-form,
 * as if it had been opened to the origin directly (RFC 9112 §3.2.1).
 *
 * `Proxy-Authorization` is addressed to the proxy (RFC 9110 §11.7.2): a
 * tunnel's CONNECT carries the one of the request it was opened for, and the
 * requests inside the tunnel, which reach the origin, never carry it.
 */
import { ClientConnection } from "./client-connection.ts";
import type { ProtocolError } from "./errors.ts";
import { Fields } from "./fields.ts";
import type { Origin } from "./socket-actions.ts";

/** What the proxy's answer to CONNECT came to, once it is known. */
export type TunnelAnswer =
  /** Step 3: a tunnel; start TLS. */
  | { readonly kind: "established" }
  /** Step 4: `status` and its reason phrase. */
  | { readonly kind: "refused"; readonly status: number; readonly reason: string }
  /** Steps 5–6, or the proxy broke HTTP (`protocolError`). */
  | { readonly kind: "failed"; readonly message: string; readonly protocolError?: ProtocolError };

/** The authority-form of an origin, port included (RFC 9112 §3.2.3), IPv6 bracketed (RFC 3986 §3.2.2). */
export function authorityForm(origin: Origin): string {
  const host = origin.host.includes(":") ? `[${origin.host}]` : origin.host;
  return `${host}:${origin.port}`;
}

/** One CONNECT exchange with a proxy. See the module comment. */
export class TunnelHandshake {
  /** The origin at the tunnel's far end. */
  readonly target: Origin;
  private readonly http = new ClientConnection({ proxy: true });
  private readonly proxyAuthorization: string | undefined;

  constructor(target: Origin, proxyAuthorization: string | undefined) {
    this.target = target;
    this.proxyAuthorization = proxyAuthorization;
  }

  /** Step 1: the CONNECT request's octets. */
  request(): Uint8Array {
    const authority = authorityForm(this.target);
    const fields = new Fields(["Host", authority]);
    if (this.proxyAuthorization !== undefined) {
      fields.append("Proxy-Authorization", this.proxyAuthorization);
    }
    return this.http.request({ method: "CONNECT", target: authority, fields }).bytes;
  }

  /** Octets from the proxy; the answer once it is known, `null` while more are needed. */
  receive(bytes: Uint8Array): TunnelAnswer | null {
    this.http.receive(bytes);
    return this.read();
  }

  /** The proxy closed its side (step 6, unless the answer is already known). */
  receiveEnd(): TunnelAnswer {
    this.http.receiveEnd();
    return this.read() ?? failed("the proxy closed the connection before answering CONNECT");
  }

  private read(): TunnelAnswer | null {
    for (let ev = this.http.nextEvent(); ev !== null; ev = this.http.nextEvent()) {
      switch (ev.type) {
        case "informational":
          break; // step 2
        case "response":
          // A 2xx head is followed by `switched` (step 3); any other is step 4.
          if (ev.head.status >= 200 && ev.head.status < 300) break;
          return { kind: "refused", status: ev.head.status, reason: ev.head.reason };
        case "switched":
          // Step 5: a TLS server says nothing before our ClientHello.
          if (ev.rest.length > 0) {
            return failed(
              "the proxy sent octets after its 2xx answer to CONNECT, before TLS began",
            );
          }
          return { kind: "established" };
        case "error":
          return {
            kind: "failed",
            message: `the proxy's answer to CONNECT broke HTTP/1.1: ${ev.error.message}`,
            protocolError: ev.error,
          };
        case "peer-closed":
          return failed("the proxy closed the connection before answering CONNECT");
        default:
          // `data` and `end` follow a refusal's head, which ended the exchange already.
          break;
      }
    }
    return null;
  }
}

function failed(message: string): TunnelAnswer {
  return { kind: "failed", message };
}
