export const VERSION = "0.0.0";
export { ClientConnection, type RequestOptions } from "./client-connection.ts";
export type {
  ClientEvent,
  ConnectionOptions,
  ExchangeStatus,
  Role,
  ServerEvent,
} from "./connection-events.ts";
export type { ConnectionState, WriterState } from "./connection-state.ts";
export { CONNECTION_TRANSITIONS, WRITER_TRANSITIONS } from "./connection-state.ts";
export { ERROR_STATUS, ProtocolError, type ProtocolErrorCode, UsageError } from "./errors.ts";
export { type FieldLine, Fields } from "./fields.ts";
export { DEFAULT_LIMITS, type ParserLimits } from "./limits.ts";
export type {
  BodyFraming,
  HttpVersion,
  ParseEvent,
  RequestHead,
  ResponseHead,
  TargetForm,
} from "./message.ts";
export { type ResponseOptions, ServerConnection } from "./server-connection.ts";
export { type Origin, originKey, type SocketAction, type SocketId } from "./socket-actions.ts";
