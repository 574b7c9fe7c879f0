/**
 * Node's built-in llhttp: the `HTTPParser` binding that `node:http` uses,
 * reached through `node:_http_common`, with the callback shapes of Node 20.
 * Shared by the benchmark's contender and the differential test; Node only,
 * never imported by `src/`.
 */
import { requireHere } from "./node.ts";

/** `kOnHeaders`: header lines gathered so far, when a head spans several reads. */
export type OnHeaders = (headers: string[], url: string) => void;
/** `kOnHeadersComplete`: `headers`/`url` undefined means "use what kOnHeaders gathered". */
export type OnHeadersComplete = (
  versionMajor: number,
  versionMinor: number,
  headers: string[] | undefined,
  method: number,
  url: string | undefined,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  shouldKeepAlive: boolean,
) => number;
/** `kOnBody`: one piece of body. */
export type OnBody = (body: Uint8Array) => void;

/** What `execute`/`finish` return when llhttp rejects the input. */
export interface LlhttpError extends Error {
  readonly code?: string;
  readonly reason?: string;
  readonly bytesParsed?: number;
}

/** One llhttp parser. */
export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Uint8Array): number | LlhttpError;
  finish(): undefined | LlhttpError;
  close(): void;
  [callback: number]: OnHeaders | OnHeadersComplete | OnBody | (() => void);
}

interface HttpCommon {
  readonly HTTPParser: {
    new (): LlhttpParser;
    readonly REQUEST: number;
    readonly RESPONSE: number;
    readonly kOnHeaders: number;
    readonly kOnHeadersComplete: number;
    readonly kOnBody: number;
    readonly kOnMessageComplete: number;
    readonly kLenientNone: number;
  };
  /** Method names indexed by llhttp's method number. */
  readonly methods: readonly string[];
}

/** The binding and llhttp's method table. */
export const { HTTPParser, methods } = requireHere("node:_http_common") as HttpCommon;
