import type { ClientResponse } from "@tether/adapter-kit";
import { Fields } from "@tether/core";
import { describe, expect, it } from "vitest";
import type { GetCommand } from "../src/cli.ts";
import { formatError, formatResponse, formatSummary, runGet, sha256Hex } from "../src/get.ts";
import { deferred, fakeClient, response, STATS } from "./fakes.ts";

const SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

function command(urls: string[], extra: Partial<GetCommand> = {}): GetCommand {
  return {
    kind: "get",
    urls,
    connections: undefined,
    pipelining: undefined,
    method: "GET",
    headers: [],
    data: undefined,
    retries: undefined,
    serial: false,
    gapMs: 0,
    http10: false,
    proxy: undefined,
    caFile: undefined,
    ...extra,
  };
}

/** A Node-style error with a code, and optionally the attempts made. */
function codedError(code: string, message: string, attempts?: number): Error {
  return Object.assign(new Error(message), { code }, attempts === undefined ? {} : { attempts });
}

describe("output lines", () => {
  it("sha256Hex is lower-case hex SHA-256", async () => {
    expect(await sha256Hex(new Uint8Array())).toBe(SHA256_EMPTY);
    expect(await sha256Hex(new TextEncoder().encode("abc"))).toBe(SHA256_ABC);
  });

  it("a response line has the contract's keys in order, headers as received", async () => {
    const line = await formatResponse(
      "http://a.test/x",
      response({
        status: 201,
        fields: new Fields(["Content-Length", "3", "X-Dup", "1", "x-dup", "2"]),
        bodyText: "abc",
        connection: 7,
        reused: true,
        attempts: 2,
      }),
    );
    expect(line).not.toContain("\n");
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed)).toEqual([
      "url",
      "status",
      "headers",
      "bodyBytes",
      "bodySha256",
      "connection",
      "reused",
      "attempts",
    ]);
    expect(parsed).toEqual({
      url: "http://a.test/x",
      status: 201,
      headers: [
        ["Content-Length", "3"],
        ["X-Dup", "1"],
        ["x-dup", "2"],
      ],
      bodyBytes: 3,
      bodySha256: SHA256_ABC,
      connection: 7,
      reused: true,
      attempts: 2,
    });
  });

  it.each<[string, unknown, { code: string; message: string }, number | null]>([
    [
      "a coded error with attempts",
      codedError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1", 3),
      { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" },
      3,
    ],
    [
      "a coded cause",
      new Error("request failed", { cause: codedError("ECONNRESET", "reset") }),
      { code: "ECONNRESET", message: "request failed" },
      null,
    ],
    ["an error without code", new TypeError("bad"), { code: "TypeError", message: "bad" }, null],
    ["a thrown string", "boom", { code: "ERROR", message: "boom" }, null],
  ])("an error line for %s", (_, error, expected, attempts) => {
    const parsed = JSON.parse(formatError("http://a.test/", error));
    expect(Object.keys(parsed)).toEqual(["url", "error", "attempts"]);
    expect(parsed).toEqual({ url: "http://a.test/", error: expected, attempts });
  });

  it("the summary line", () => {
    expect(JSON.parse(formatSummary(STATS))).toEqual({
      summary: { requests: 3, connectionsOpened: 2, reused: 1, retried: 0, pipelined: 0 },
    });
  });
});

describe("runGet", () => {
  it("runs concurrently and prints in input order, then the summary; exit 0", async () => {
    const first = deferred<ClientResponse>();
    const second = deferred<ClientResponse>();
    const client = fakeClient((options) =>
      String(options.url).endsWith("/1") ? first.promise : second.promise,
    );
    const out: string[] = [];
    const done = runGet(client, command(["http://a.test/1", "http://a.test/2"]), (l) =>
      out.push(l),
    );
    // Both requests are made before either answers.
    await Promise.resolve();
    expect(client.calls.map((c) => c.url)).toEqual(["http://a.test/1", "http://a.test/2"]);
    second.resolve(response({ bodyText: "two" }));
    await new Promise((r) => setTimeout(r, 0));
    expect(out).toEqual([]); // held back by the first URL
    first.resolve(response({ bodyText: "one!" }));
    expect(await done).toBe(0);
    expect(out.map((l) => JSON.parse(l).url ?? "summary")).toEqual([
      "http://a.test/1",
      "http://a.test/2",
      "summary",
    ]);
    expect(JSON.parse(out[0] as string).bodyBytes).toBe(4);
    expect(JSON.parse(out[1] as string).bodyBytes).toBe(3);
  });

  it("passes method, headers and --data as the body", async () => {
    const client = fakeClient(() => Promise.resolve(response()));
    const headers = [["X-A", "1"]] as const;
    await runGet(
      client,
      command(["http://a.test/"], { method: "PUT", headers, data: "hi" }),
      () => {},
    );
    expect(client.calls).toEqual([{ url: "http://a.test/", method: "PUT", headers, body: "hi" }]);
  });

  it("sends no body without --data", async () => {
    const client = fakeClient(() => Promise.resolve(response()));
    await runGet(client, command(["http://a.test/"]), () => {});
    expect(client.calls[0]?.body).toBeNull();
  });

  it("prints an error line for a failed URL and exits 1", async () => {
    const client = fakeClient((options) =>
      String(options.url).includes("bad")
        ? Promise.reject(codedError("ECONNREFUSED", "refused", 1))
        : Promise.resolve(response()),
    );
    const out: string[] = [];
    const status = await runGet(
      client,
      command(["http://ok.test/", "http://bad.test/", "http://ok.test/2"]),
      (l) => out.push(l),
    );
    expect(status).toBe(1);
    expect(out).toHaveLength(4);
    expect(JSON.parse(out[1] as string)).toEqual({
      url: "http://bad.test/",
      error: { code: "ECONNREFUSED", message: "refused" },
      attempts: 1,
    });
    expect(JSON.parse(out[2] as string).status).toBe(200);
  });

  it("a 4xx or 5xx answer is still a response: exit 0", async () => {
    const client = fakeClient(() => Promise.resolve(response({ status: 503 })));
    expect(await runGet(client, command(["http://a.test/"]), () => {})).toBe(0);
  });

  it("--serial makes one request at a time, --gap waits between them (not before the first)", async () => {
    const log: string[] = [];
    let inFlight = 0;
    const client = fakeClient(async (options) => {
      inFlight++;
      log.push(`request ${String(options.url)} (in flight: ${inFlight})`);
      await new Promise((r) => setTimeout(r, 0));
      inFlight--;
      return response();
    });
    const sleep = (ms: number): Promise<void> => {
      log.push(`sleep ${ms}`);
      return Promise.resolve();
    };
    const out: string[] = [];
    await runGet(
      client,
      command(["http://a.test/1", "http://a.test/2", "http://a.test/3"], {
        serial: true,
        gapMs: 25,
      }),
      (l) => {
        out.push(l);
        log.push("print");
      },
      { sleep },
    );
    expect(log).toEqual([
      "request http://a.test/1 (in flight: 1)",
      "print",
      "sleep 25",
      "request http://a.test/2 (in flight: 1)",
      "print",
      "sleep 25",
      "request http://a.test/3 (in flight: 1)",
      "print",
      "print",
    ]);
  });
});
