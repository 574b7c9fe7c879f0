/**
 * The npm package http-parser-js (pure JavaScript), driven through its
 * Node-compatible `HTTPParser` callback interface. It decodes with
 * `Buffer#toString`, so it is fed Node Buffers (as are the others).
 */
import type { BenchCase } from "../cases.ts";
import { type NodeBuffer, requireHere } from "../node.ts";
import { type Contender, latin1, type RecordedMessage, type Runner } from "./types.ts";

type OnHeaders = (headers: string[], url: string) => void;
type OnHeadersComplete = (
  versionMajor: number,
  versionMinor: number,
  headers: string[],
  method: number,
  url: string,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  shouldKeepAlive: boolean,
) => number;
type OnBody = (chunk: Uint8Array, offset: number, length: number) => void;

interface JsParser {
  initialize(type: string): void;
  execute(chunk: NodeBuffer): number | Error;
  [callback: number]: OnHeaders | OnHeadersComplete | OnBody | (() => void);
}

interface HttpParserJs {
  readonly HTTPParser: {
    new (): JsParser;
    readonly REQUEST: string;
    readonly RESPONSE: string;
    readonly kOnHeaders: number;
    readonly kOnHeadersComplete: number;
    readonly kOnBody: number;
    readonly kOnMessageComplete: number;
    /** Reading this switches kOnHeadersComplete to positional arguments, as Node's binding has. */
    readonly kOnExecute: number;
    /** Method names indexed by the parser's method number. */
    readonly methods: readonly string[];
  };
}

const { HTTPParser } = requireHere("http-parser-js") as HttpParserJs;
const methods = HTTPParser.methods;
// Without this read the package calls kOnHeadersComplete with one info object
// (its Node 0.12 mode); Node's own http module reads it the same way.
if (typeof HTTPParser.kOnExecute !== "number") throw new Error("http-parser-js: no kOnExecute");

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

function open(kind: BenchCase["kind"], h: Handlers): JsParser {
  const parser = new HTTPParser();
  parser.initialize(kind === "request" ? HTTPParser.REQUEST : HTTPParser.RESPONSE);
  const onHeadersComplete: OnHeadersComplete = (
    _major,
    _minor,
    headers,
    method,
    url,
    statusCode,
    statusMessage,
  ) => {
    h.head(headers, method, url, statusCode, statusMessage);
    return 0;
  };
  // http-parser-js delivers the whole head in kOnHeadersComplete; kOnHeaders
  // only carries trailer fields.
  parser[HTTPParser.kOnHeaders] = (fields: string[]) => h.trailers(fields);
  parser[HTTPParser.kOnHeadersComplete] = onHeadersComplete;
  // The chunk is already a view of exactly `length` bytes.
  parser[HTTPParser.kOnBody] = (chunk: Uint8Array) => h.body(chunk);
  parser[HTTPParser.kOnMessageComplete] = () => h.end();
  return parser;
}

function execute(parser: JsParser, input: NodeBuffer): void {
  const n = parser.execute(input);
  if (typeof n !== "number") throw new Error(`http-parser-js: ${n.message}`);
}

/** The http-parser-js contender. */
export const httpParserJs: Contender = {
  name: "http-parser-js",

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
        if (current === null) throw new Error("http-parser-js: message end without a head");
        out.push({ ...current, body: latin1(pieces) });
        current = null;
      },
      trailers() {},
    });
    execute(parser, c.input);
    return out;
  },
};
