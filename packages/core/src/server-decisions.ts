/**
 * The per-message decisions of a server connection (server-connection.ts),
 * asked without making an object per message: the framing of a response
 * (RFC 9112 §6, outgoing-framing.ts) and the persistence a request or
 * response allows (RFC 9112 §9.3, keep-alive.ts).
 *
 * Those functions take their input as one object. They read it
 * synchronously and keep nothing of it, so one scratch object each, filled
 * in for every call, serves every message: a keep-alive server's garbage
 * collection pays for each object made per request.
 */
import { Fields } from "./fields.ts";
import {
  messageAllowsPersistence,
  type Persistence,
  type PersistenceContext,
} from "./keep-alive.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { chooseFraming } from "./outgoing-framing.ts";

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

const NO_FIELDS = new Fields([]);
const persistenceInput: { version: HttpVersion; fields: Fields; framing: BodyFraming } = {
  version: "1.1",
  fields: NO_FIELDS,
  framing: Object.freeze({ kind: "none" }),
};

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

/** Whether a request received allows the connection to persist (RFC 9112 §9.3). */
export function requestPersistence(
  version: HttpVersion,
  fields: Fields,
  framing: BodyFraming,
): Persistence {
  return persistenceOf(version, fields, framing, AS_REQUEST);
}

/** Whether a response we send (HTTP/1.1, with these framing-related `fields`) allows persistence. */
export function responsePersistence(fields: Fields, framing: BodyFraming): Persistence {
  return persistenceOf("1.1", fields, framing, AS_RESPONSE);
}

function persistenceOf(
  version: HttpVersion,
  fields: Fields,
  framing: BodyFraming,
  context: PersistenceContext,
): Persistence {
  const input = persistenceInput;
  input.version = version;
  input.fields = fields;
  input.framing = framing;
  const persistence = messageAllowsPersistence(input, context);
  // Hold on to no message's fields between calls.
  input.fields = NO_FIELDS;
  return persistence;
}
