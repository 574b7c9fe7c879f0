/**
 * Fakes of the adapter API for unit tests: an exchange that records its
 * answer, and a client whose responses the test decides.
 */
import type {
  ClientRequestOptions,
  ClientResponse,
  ClientStats,
  RawExchange,
  RawResponseWriter,
  TetherClient,
} from "@tether/adapter-kit";
import { Fields, type HttpVersion, type TargetForm } from "@tether/core";

const encoder = new TextEncoder();

/** What a fake exchange was answered with. */
export interface Answer {
  readonly status: number;
  readonly fields: [string, string][];
  /** `respond()`'s body (undefined when none); for `stream()`, the chunks so far, joined. */
  body: Uint8Array | undefined;
  readonly streamed: boolean;
  /** `stream()`'s bodyLength argument. */
  readonly bodyLength?: number | null | undefined;
  /** Number of `write()` calls on a stream. */
  writes: number;
  ended: boolean;
}

/** A request for {@link fakeExchange}. */
export interface FakeRequest {
  readonly method?: string;
  readonly target?: string;
  readonly targetForm?: TargetForm;
  readonly version?: HttpVersion;
  /** Flat `[name, value, …]`. */
  readonly fields?: string[];
  readonly body?: string | Uint8Array;
}

/** A {@link RawExchange} recording its answer in `answer`. */
export interface FakeExchange extends RawExchange {
  answer: Answer | undefined;
}

/** Builds an exchange for `request`; the answer lands in `.answer`. */
export function fakeExchange(request: FakeRequest = {}): FakeExchange {
  const version = request.version ?? "1.1";
  const body =
    typeof request.body === "string"
      ? encoder.encode(request.body)
      : (request.body ?? new Uint8Array());
  const exchange: FakeExchange = {
    answer: undefined,
    head: {
      method: request.method ?? "GET",
      target: request.target ?? "/",
      targetForm: request.targetForm ?? "origin",
      version,
      minor: version === "1.0" ? 0 : 1,
      fields: new Fields(request.fields ?? ["Host", "example.test"]),
    },
    info: { remoteAddress: "127.0.0.1", remotePort: 40000, connection: 1, requestNumber: 1 },
    signal: new AbortController().signal,
    body: () => Promise.resolve(body),
    respond(status, fields, responseBody) {
      if (exchange.answer !== undefined) throw new Error("answered twice");
      exchange.answer = {
        status,
        fields: [...(fields ?? [])].map(([n, v]) => [n, v]),
        body: typeof responseBody === "string" ? encoder.encode(responseBody) : responseBody,
        streamed: false,
        writes: 0,
        ended: true,
      };
    },
    stream(status, fields, bodyLength) {
      if (exchange.answer !== undefined) throw new Error("answered twice");
      const answer: Answer = {
        status,
        fields: [...(fields ?? [])].map(([n, v]) => [n, v]),
        body: new Uint8Array(),
        streamed: true,
        bodyLength,
        writes: 0,
        ended: false,
      };
      exchange.answer = answer;
      const chunks: Uint8Array[] = [];
      const writer: RawResponseWriter = {
        write(chunk) {
          if (answer.ended) throw new Error("write after end");
          chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
          answer.body = Buffer.concat(chunks);
          answer.writes++;
          return Promise.resolve();
        },
        end() {
          answer.ended = true;
        },
      };
      return writer;
    },
    takeOver() {
      throw new Error("the fake exchange cannot be taken over");
    },
  };
  return exchange;
}

/** The value of the (only) field called `name`, case-insensitive. */
export function field(answer: Answer | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = answer?.fields.filter(([n]) => n.toLowerCase() === lower) ?? [];
  if (found.length > 1) throw new Error(`${name} appears ${found.length} times`);
  return found[0]?.[1];
}

/** A response for a fake client. */
export function response(
  init: Partial<ClientResponse> & { bodyText?: string } = {},
): ClientResponse {
  return {
    status: init.status ?? 200,
    reason: init.reason ?? "OK",
    version: init.version ?? "1.1",
    fields: init.fields ?? new Fields(["Content-Length", "2"]),
    body: init.body ?? encoder.encode(init.bodyText ?? "ok"),
    trailers: init.trailers ?? null,
    connection: init.connection ?? 1,
    reused: init.reused ?? false,
    attempts: init.attempts ?? 1,
  };
}

/** Fixed counters for a fake client's `stats()`. */
export const STATS: ClientStats = {
  requests: 3,
  connectionsOpened: 2,
  reused: 1,
  retried: 0,
  pipelined: 0,
};

/** A client whose `request()` is answered by `answer`; calls are recorded. */
export function fakeClient(
  answer: (options: ClientRequestOptions) => Promise<ClientResponse>,
): TetherClient & { calls: ClientRequestOptions[]; closed: boolean } {
  const client = {
    calls: [] as ClientRequestOptions[],
    closed: false,
    fetch: () => Promise.reject(new Error("fetch is not faked")),
    request(options: ClientRequestOptions) {
      client.calls.push(options);
      return answer(options);
    },
    close() {
      client.closed = true;
      return Promise.resolve();
    },
    on: () => () => {},
    stats: () => STATS,
  };
  return client;
}

/** A promise with its resolve and reject exposed. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Compares bytes quickly (deep equality of large typed arrays is slow), naming the first difference. */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  if (actual === undefined) throw new Error("no body");
  if (actual.length !== expected.length) {
    throw new Error(`length ${actual.length}, expected ${expected.length}`);
  }
  const at = actual.findIndex((byte, i) => byte !== expected[i]);
  if (at !== -1) throw new Error(`byte ${at} is ${actual[at]}, expected ${expected[at]}`);
}
