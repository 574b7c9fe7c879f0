/**
 * Node's built-in llhttp, driven directly through the `HTTPParser` binding
 * that `node:http` uses (`node:_http_common`), with no IncomingMessage or
 * stream machinery on top. Callback shapes are those of Node 20.
 */
import type { BenchCase } from "../cases.ts";
import {
  HTTPParser,
  type LlhttpParser,
  methods,
  type OnHeaders,
  type OnHeadersComplete,
} from "../llhttp-binding.ts";
import { type Contender, latin1, type RecordedMessage, type Runner } from "./types.ts";

/** Callbacks for one parser; `headers`/`url` undefined means "use what kOnHeaders gathered". */
interface Handlers {
  head(
    headers: string[],
    method: number,
    url: string,
    statusCode: number,
    statusMessage: string,
  ): void;
  body(body: Uint8Array): void;
  end(): void;
  /** Trailer fields of a chunked body (none in these cases). */
  trailers(fields: string[]): void;
}

function open(kind: BenchCase["kind"], h: Handlers): LlhttpParser {
  const parser = new HTTPParser();
  parser.initialize(
    kind === "request" ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
    {},
    0,
    HTTPParser.kLenientNone,
  );
  // Field lines (and the target) arrive through kOnHeaders when the head is
  // split across execute() calls or has many fields; kOnHeadersComplete then
  // gets `undefined` for them. Trailer fields arrive through kOnHeaders too,
  // before kOnMessageComplete.
  let pendingHeaders: string[] = [];
  let pendingUrl = "";
  const onHeaders: OnHeaders = (headers, url) => {
    for (let i = 0; i < headers.length; i++) pendingHeaders.push(headers[i] as string);
    pendingUrl += url;
  };
  const onHeadersComplete: OnHeadersComplete = (
    _major,
    _minor,
    headers,
    method,
    url,
    statusCode,
    statusMessage,
  ) => {
    if (headers === undefined) {
      headers = pendingHeaders;
      pendingHeaders = [];
    }
    if (url === undefined) {
      url = pendingUrl;
      pendingUrl = "";
    }
    h.head(headers, method, url, statusCode, statusMessage);
    return 0;
  };
  parser[HTTPParser.kOnHeaders] = onHeaders;
  parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
  parser[HTTPParser.kOnBody] = (body: Uint8Array) => h.body(body);
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (pendingHeaders.length > 0) {
      h.trailers(pendingHeaders);
      pendingHeaders = [];
      pendingUrl = "";
    }
    h.end();
  };
  return parser;
}

function execute(parser: LlhttpParser, input: Uint8Array): void {
  const n = parser.execute(input);
  if (typeof n !== "number") throw new Error(`llhttp: ${n.message}`);
}

/** The llhttp contender. */
export const llhttp: Contender = {
  name: "llhttp",

  runner(c: BenchCase): Runner {
    const request = c.kind === "request";
    let messages = 0;
    let sum = 0;
    let bytes = 0;
    let touched = 0;
    const parser = open(c.kind, {
      head(headers, method, url, statusCode, statusMessage) {
        let s: number;
        if (request) {
          const name = methods[method] as string;
          s = name.length + url.length;
        } else {
          s = statusCode + statusMessage.length;
        }
        for (let i = 0; i < headers.length; i++) s += (headers[i] as string).length;
        sum += s;
      },
      body(body) {
        bytes += body.length;
        touched ^= body[0] as number;
      },
      end() {
        messages++;
      },
      trailers(fields) {
        for (let i = 0; i < fields.length; i++) sum += (fields[i] as string).length;
      },
    });
    const input = c.input;
    return {
      run(iterations) {
        for (let i = 0; i < iterations; i++) execute(parser, input);
      },
      digest: () => `${messages} messages, strings ${sum}, body ${bytes} B`,
      sink: () => touched,
    };
  },

  record(c: BenchCase): RecordedMessage[] {
    const out: RecordedMessage[] = [];
    let current: Omit<RecordedMessage, "body"> | null = null;
    let pieces: Uint8Array[] = [];
    const request = c.kind === "request";
    const parser = open(c.kind, {
      head(headers, method, url, statusCode, statusMessage) {
        current = {
          method: request ? (methods[method] as string) : null,
          target: request ? url : null,
          status: request ? null : statusCode,
          reason: request ? null : statusMessage,
          fields: headers.slice(),
        };
        pieces = [];
      },
      body(body) {
        pieces.push(new Uint8Array(body));
      },
      end() {
        if (current === null) throw new Error("llhttp: message end without a head");
        out.push({ ...current, body: latin1(pieces) });
        current = null;
      },
      trailers() {},
    });
    execute(parser, c.input);
    return out;
  },
};
