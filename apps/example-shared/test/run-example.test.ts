import type { ClientOptions, ServeOptions, TetherServer } from "@tether/adapter-kit";
import { describe, expect, it } from "vitest";
import { type ExampleRuntime, httpOrigin, runExample } from "../src/index.ts";
import { fakeClient, fakeExchange, response } from "./fakes.ts";

/** A runtime whose serve/createClient/print/exit are recorded. */
function fakeRuntime(hostname = "127.0.0.1", port = 43210) {
  const record = {
    out: [] as string[],
    err: [] as string[],
    exits: [] as number[],
    served: [] as ServeOptions[],
    clientOptions: [] as (ClientOptions | undefined)[],
    serverClosed: false,
    client: fakeClient(() => Promise.resolve(response())),
  };
  const runtime: ExampleRuntime = {
    serve(options) {
      record.served.push(options);
      const server: TetherServer = {
        hostname,
        port,
        url: `http://${hostname}:${port}`,
        close: () => {
          record.serverClosed = true;
          return Promise.resolve();
        },
        on: () => () => {},
      };
      return Promise.resolve(server);
    },
    createClient(options) {
      record.clientOptions.push(options);
      return record.client;
    },
    print: (line) => record.out.push(line),
    exit: (code) => record.exits.push(code),
    printError: (line) => record.err.push(line),
  };
  return { runtime, record };
}

describe("runExample", () => {
  it("a usage error goes to stderr with the usage, exit 2", async () => {
    const { runtime, record } = fakeRuntime();
    expect(await runExample(runtime, ["serve", "--port", "x"])).toBeNull();
    expect(record.exits).toEqual([2]);
    expect(record.out).toEqual([]);
    expect(record.err[0]).toMatch(/^error: --port/);
    expect(record.err[1]).toMatch(/^usage:/);
  });

  it("help prints the usage, exit 0", async () => {
    const { runtime, record } = fakeRuntime();
    await runExample(runtime, ["--help"]);
    expect(record.out[0]).toMatch(/^usage:/);
    expect(record.exits).toEqual([0]);
  });

  it("serve passes its options on and prints `listening on` first", async () => {
    const { runtime, record } = fakeRuntime("127.0.0.1", 5555);
    const running = await runExample(runtime, [
      "serve",
      "--port",
      "5555",
      "--keep-alive-timeout",
      "100",
      "--max-requests",
      "2",
      "--advertise-keep-alive",
      "--max-connections-per-client",
      "4",
    ]);
    expect(record.out).toEqual(["listening on http://127.0.0.1:5555"]);
    expect(running?.url).toBe("http://127.0.0.1:5555");
    expect(record.served[0]).toMatchObject({
      hostname: "127.0.0.1",
      port: 5555,
      keepAliveTimeoutMs: 100,
      maxRequestsPerConnection: 2,
      advertiseKeepAlive: true,
      maxConnectionsPerClient: 4,
    });
    expect(record.served[0]?.fetch).toBeUndefined();
    // The low-level handler routes.
    const ex = fakeExchange({ target: "/close" });
    record.served[0]?.handler?.(ex);
    await new Promise((r) => setTimeout(r, 0));
    expect(ex.answer?.status).toBe(200);
    await running?.close();
    expect(record.serverClosed).toBe(true);
    expect(record.exits).toEqual([]);
  });

  it("serve on an IPv6 address prints it in brackets", async () => {
    const { runtime, record } = fakeRuntime("::1", 8080);
    await runExample(runtime, ["serve", "--host", "::1"]);
    expect(record.out).toEqual(["listening on http://[::1]:8080"]);
  });

  it("get maps its options to the client's and exits with runGet's status", async () => {
    const { runtime, record } = fakeRuntime();
    await runExample(runtime, [
      "get",
      "http://a.test/",
      "--connections",
      "2",
      "--pipelining",
      "3",
      "--retries",
      "0",
      "--http1.0",
      "--proxy",
      "http://127.0.0.1:3128/",
    ]);
    expect(record.clientOptions[0]).toEqual({
      connectionsPerOrigin: 2,
      pipelining: 3,
      maxAttempts: 1,
      http10: true,
      proxy: "http://127.0.0.1:3128",
    });
    expect(record.out).toHaveLength(2);
    expect(record.client.closed).toBe(true);
    expect(record.exits).toEqual([0]);
  });

  it("proxy serves, forwarding to the upstream through one client", async () => {
    const { runtime, record } = fakeRuntime();
    const running = await runExample(runtime, ["proxy", "--upstream", "http://127.0.0.1:9/"]);
    expect(record.out).toEqual(["listening on http://127.0.0.1:43210"]);
    const ex = fakeExchange({ target: "/x" });
    record.served[0]?.handler?.(ex);
    await new Promise((r) => setTimeout(r, 0));
    expect(record.client.calls[0]?.url).toBe("http://127.0.0.1:9/x");
    expect(ex.answer?.status).toBe(200);
    await running?.close();
    expect(record.serverClosed).toBe(true);
    expect(record.client.closed).toBe(true);
  });

  it("a failure to listen is reported, exit 1", async () => {
    const { runtime, record } = fakeRuntime();
    runtime.serve = () => Promise.reject(new Error("listen EADDRINUSE"));
    expect(await runExample(runtime, ["serve"])).toBeNull();
    expect(record.err).toEqual(["error: listen EADDRINUSE"]);
    expect(record.exits).toEqual([1]);
  });

  it.each([
    ["127.0.0.1", 80, "http://127.0.0.1:80"],
    ["::1", 1, "http://[::1]:1"],
    ["[::1]", 1, "http://[::1]:1"],
    ["localhost", 8080, "http://localhost:8080"],
  ])("httpOrigin(%s, %i) = %s", (host, port, expected) => {
    expect(httpOrigin(host, port)).toBe(expected);
  });
});
