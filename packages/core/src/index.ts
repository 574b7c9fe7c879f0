export const VERSION = "0.0.0";
export { type BodyEncoder, createBodyEncoder } from "./body-encoder.ts";
export { ClientConnection } from "./client-connection.ts";
export { ClientPool } from "./client-pool.ts";
export type {
  ClientEvent,
  ConnectionOptions,
  ExchangeStatus,
  Role,
  ServerEvent,
} from "./connection-events.ts";
export type { ConnectionState, WriterState } from "./connection-state.ts";
export { CONNECTION_TRANSITIONS, WRITER_TRANSITIONS } from "./connection-state.ts";
export { type ErrorResponse, errorResponse, errorResponseBytes } from "./error-response.ts";
export { ERROR_STATUS, ProtocolError, type ProtocolErrorCode, UsageError } from "./errors.ts";
export { type FieldLine, Fields } from "./fields.ts";
export {
  DEFAULT_GRACEFUL_CLOSE,
  GracefulClose,
  type GracefulCloseOptions,
  type GracefulCloseState,
} from "./graceful-close.ts";
export {
  HOP_BY_HOP_FIELDS,
  PROXY_AUTHENTICATION_FIELDS,
  type StripHopByHopOptions,
  stripHopByHop,
} from "./hop-by-hop.ts";
export { type HasId, IdTable } from "./id-table.ts";
export { IntrusiveList, type Listed } from "./intrusive-list.ts";
export {
  type CloseReason,
  clientIdleDeadline,
  connectionTokens,
  formatKeepAlive,
  type IdleDeadlineInput,
  type KeepAliveHint,
  messageAllowsPersistence,
  type Persistence,
  type PersistenceContext,
  type PersistenceMessage,
  parseKeepAlive,
} from "./keep-alive.ts";
export type { Latin1Decoder } from "./latin1.ts";
export { installLatin1Writer, type Latin1Writer } from "./latin1-encode.ts";
export { DEFAULT_LIMITS, type ParserLimits } from "./limits.ts";
export type {
  BodyFraming,
  HttpVersion,
  ParseEvent,
  RequestHead,
  ResponseHead,
  TargetForm,
} from "./message.ts";
export type { OutgoingFields } from "./outgoing-fields.ts";
export { chooseFraming, type FramingInput, framingEndsConnection } from "./outgoing-framing.ts";
export { MessageParser, type ParserOptions, type ParserState } from "./parser.ts";
export { mayPipeline, type PipelineConnection, type PipelineRequest } from "./pipelining.ts";
export type {
  ConnectFailureKind,
  ConnectionCloseReason,
  PoolBody,
  PoolEvent,
  PoolOptions,
  PoolRequest,
  PoolStats,
} from "./pool-events.ts";
export { DEFAULT_POOL_OPTIONS } from "./pool-options.ts";
export { absoluteFormTarget, hostFieldValue, proxyRequestFields } from "./proxy.ts";
export { REASON_PHRASES } from "./reason-phrases.ts";
export {
  type AttemptRecord,
  RequestError,
  type RequestErrorCode,
  type RequestErrorDetails,
  type RetryReason,
} from "./request-errors.ts";
export {
  type PreparedRequest,
  prepareRequest,
  type RequestOptions,
} from "./request-preparation.ts";
export {
  type AttemptFailure,
  defaultRetryBackoff,
  type FailureCause,
  hasIdempotencyKey,
  isIdempotent,
  type NoRetryReason,
  type RetryCandidate,
  type RetryDecision,
  type RetryPolicy,
  retryDecision,
} from "./retry.ts";
export { type Route, routeFor } from "./route.ts";
export {
  type OutgoingRequestHead,
  type OutgoingResponseHead,
  serializeInformational,
  serializeRequestHead,
  serializeResponseHead,
} from "./serializer.ts";
export { type ResponseOptions, ServerConnection } from "./server-connection.ts";
export {
  type AcceptResult,
  clientKey,
  type RefusalReason,
  ServerPolicy,
  type ServerPolicyOptions,
  type ServerPolicyState,
} from "./server-policy.ts";
export { ServerSession } from "./server-session.ts";
export type { SessionEvent, SessionHooks, SessionState } from "./server-session-events.ts";
export {
  DEFAULT_SERVER_SESSION,
  type ResolvedServerSessionOptions,
  resolveServerSessionOptions,
  type ServerSessionOptions,
} from "./server-session-options.ts";
export { type Origin, originKey, type SocketAction, type SocketId } from "./socket-actions.ts";
export { authorityForm, type TunnelAnswer, TunnelHandshake } from "./tunnel.ts";
