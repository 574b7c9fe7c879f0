/**
 * The per-message decisions of a server connection (server-connection.ts),
 * asked without making an object per message: the framing of a response
 * (RFC 9112 §6, outgoing-framing.ts) and the persistence a request or
 * response allows (RFC 9112 §9.3, keep-alive.ts).
 *
 * Framing is chosen from one input object. It is read synchronously and
 * nothing of it is kept, so one scratch object, filled in for every call,
 * serves every message: a keep-alive server's garbage collection pays for
 * each object made per request. Persistence is asked with the message's
 * parts as arguments (no object written: storing a message's fields into a
 * long-lived object costs a write barrier).
 */
import type { Fields } from "./fields.ts";
import { decidePersistenceOf, type Persistence, type PersistenceContext } from "./keep-alive.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { chooseFraming } from "./outgoing-framing.ts";
import { PersistenceFields } from "./persistence-fields.ts";

/** What a server reads: requests (constant: nothing made per message). */
const AS_REQUEST: PersistenceContext = Object.freeze({ kind: "request" });
/** What a server sends: responses, always HTTP/1.1. */
const AS_RESPONSE: PersistenceContext = Object.freeze({ kind: "response", requestVersion: "1.1" });

const framingInput: {
  kind: "response";
  status: number;
  method: string;
  requestVersion: HttpVersion;
  bodyLength: number | null | undefined;
} = { kind: "response", status: 200, method: "GET", requestVersion: "1.1", bodyLength: undefined };

/** What {@link responsePersistence} reads the fields into (read at once, kept by nobody). */
const RESPONSE_FIELDS = new PersistenceFields();

/**
 * The framing of a response (see `chooseFraming`): to a request of
 * `method` and `requestVersion`, with `bodyLength` octets (a number when
 * known, `null` when streamed, `undefined` for no body).
 */
export function responseFraming(
  status: number,
  method: string,
  requestVersion: HttpVersion,
  bodyLength: number | null | undefined,
): BodyFraming {
  const input = framingInput;
  input.status = status;
  input.method = method;
  input.requestVersion = requestVersion;
  input.bodyLength = bodyLength;
  return chooseFraming(input);
}

/**
 * Whether a request received allows the connection to persist (RFC 9112
 * §9.3). The fields read for it are left in `into` (e.g. whether
 * Connection lists `upgrade`), so that the caller need not read them again.
 */
export function requestPersistence(
  version: HttpVersion,
  fields: Fields,
  framing: BodyFraming,
  into: PersistenceFields,
): Persistence {
  return decidePersistenceOf(version, fields, framing, AS_REQUEST, into);
}

/** Whether a response we send (HTTP/1.1, with these framing-related `fields`) allows persistence. */
export function responsePersistence(fields: Fields, framing: BodyFraming): Persistence {
  return decidePersistenceOf("1.1", fields, framing, AS_RESPONSE, RESPONSE_FIELDS);
}
