export type * from "./api.ts";
export { latin1SliceDecoder } from "./buffer-latin1.ts";
export { createClientFactory } from "./client.ts";
export { DeadlineTimer, now } from "./clock.ts";
export { Listeners } from "./listeners.ts";
export { installQuickResponse, QuickResponse } from "./quick-response.ts";
export { createServe } from "./server.ts";
export type * from "./socket-layer.ts";
export { isIpLiteral, sniName, TlsFailure } from "./socket-layer.ts";
export { TLS_SESSION_CACHE_SIZE, TlsSessionCache } from "./tls-sessions.ts";
export {
  fromWebResponse,
  type ResponseParts,
  requestUrl,
  toBytes,
  toHeaders,
  toWebRequest,
} from "./web.ts";
