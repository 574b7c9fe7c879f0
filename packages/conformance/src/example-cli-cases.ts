/**
 * The example app's contract (apps/example-shared/README.md), checked end to
 * end as a user runs it: `serve` in a child process, black-box raw-TCP and
 * `get` runs against it. Every runtime's example app registers these cases
 * with the command that starts it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { RawClient } from "./raw-client.ts";
import type { ConformanceCase } from "./server-cases.ts";
import { makeTestCertificates } from "./tls-certs.ts";

/** How to start a runtime's example app: `[program, ...args]` before the app's own arguments. */
export interface ExampleApp {
  readonly runtime: string;
  readonly command: readonly string[];
  readonly cwd: string;
}

/** A started `serve`. */
export interface RunningExample {
  readonly url: string;
  readonly port: number;
  stop(): void;
}

/** Starts `serve --port 0 --host 127.0.0.1` and waits for its first line. */
export async function startExample(app: ExampleApp, extra: string[] = []): Promise<RunningExample> {
  const [program, ...args] = app.command as [string, ...string[]];
  const child: ChildProcess = spawn(
    program,
    [...args, "serve", "--port", "0", "--host", "127.0.0.1", ...extra],
    { cwd: app.cwd, stdio: ["ignore", "pipe", "inherit"] },
  );
  const first = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "listening on" line: ${out}`)), 20_000);
    child.stdout?.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const nl = out.indexOf("\n");
      if (nl !== -1) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once("exit", (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
  assert.match(first, /^listening on https?:\/\/127\.0\.0\.1:\d+$/);
  const url = first.slice("listening on ".length);
  return { url, port: Number(url.split(":").at(-1)), stop: () => child.kill() };
}

/** Runs the app with `args` and returns its exit code and stdout lines. */
export function runExample(
  app: ExampleApp,
  args: string[],
): Promise<{ code: number; lines: string[] }> {
  const [program, ...rest] = app.command as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(program, [...rest, ...args], { cwd: app.cwd, timeout: 20_000 }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, lines: stdout.trim().split("\n").filter(Boolean) });
    });
  });
}

/** Starts `proxy --port 0 --upstream URL` and waits for its first line; returns its port. */
async function startProxy(
  app: ExampleApp,
  upstream: string,
): Promise<{ port: number; stop(): void }> {
  const [program, ...args] = app.command as [string, ...string[]];
  const proxy = spawn(program, [...args, "proxy", "--port", "0", "--upstream", upstream], {
    cwd: app.cwd,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`proxy did not start: ${out}`)), 20_000);
    proxy.stdout?.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf("\n")));
      }
    });
  });
  return { port: Number(first.split(":").at(-1)), stop: () => proxy.kill() };
}

/** The contract cases; each starts (and stops) its own `serve`. */
export const exampleCliCases: ConformanceCase<ExampleApp>[] = [
  {
    name: "TLS: serve --tls-cert/--tls-key serves https; get --ca fetches it, directly and through proxy's CONNECT tunnel",
    run: async (app) => {
      const certs = makeTestCertificates();
      const s = await startExample(app, [
        "--tls-cert",
        certs.server.certFile,
        "--tls-key",
        certs.server.keyFile,
      ]);
      const proxy = await startProxy(app, "http://127.0.0.1:9");
      try {
        assert.match(s.url, /^https:/);
        const url = `https://localhost:${s.port}/bytes/1000`;
        const direct = await runExample(app, ["get", url, "--ca", certs.ca.certFile]);
        assert.equal(direct.code, 0, direct.lines.join("\n"));
        const line = JSON.parse(direct.lines[0] as string);
        assert.equal(line.status, 200);
        assert.equal(line.bodyBytes, 1000);
        const tunnelled = await runExample(app, [
          "get",
          url,
          `${url}?again`,
          "--serial",
          "--ca",
          certs.ca.certFile,
          "--proxy",
          `http://127.0.0.1:${proxy.port}`,
        ]);
        assert.equal(tunnelled.code, 0, tunnelled.lines.join("\n"));
        const [a, b, summary] = tunnelled.lines.map((l) => JSON.parse(l));
        assert.equal(a.bodyBytes, 1000);
        assert.equal(b.reused, true);
        assert.equal(summary.summary.connectionsOpened, 1);
        const untrusted = await runExample(app, ["get", url, "--retries", "0"]);
        assert.equal(untrusted.code, 1);
        assert.equal(JSON.parse(untrusted.lines[0] as string).error.code, "TLS_FAILED");
      } finally {
        proxy.stop();
        s.stop();
        certs.remove();
      }
    },
  },
  {
    name: "serve answers /echo with the request as received, over raw TCP",
    run: async (app) => {
      const s = await startExample(app);
      try {
        const c = new RawClient(s.port);
        await c.send(
          "POST /echo?q=1 HTTP/1.1\r\nHost: t\r\nX-Case: Kept\r\nContent-Length: 5\r\n\r\nhello",
        );
        const [r] = await c.responses(1);
        const echo = JSON.parse(r?.body ?? "{}");
        assert.deepEqual(echo, {
          method: "POST",
          target: "/echo?q=1",
          version: "1.1",
          headers: [
            ["Host", "t"],
            ["X-Case", "Kept"],
            ["Content-Length", "5"],
          ],
          body: "hello",
        });
        c.destroy();
      } finally {
        s.stop();
      }
    },
  },
  {
    name: "get prints one JSON line per URL in input order, then a summary, and exits 0",
    run: async (app) => {
      const s = await startExample(app);
      try {
        const { code, lines } = await runExample(app, [
          "get",
          `${s.url}/bytes/1000`,
          `${s.url}/chunked/5000`,
          `${s.url}/echo?x=1`,
          "--connections",
          "1",
        ]);
        assert.equal(code, 0);
        assert.equal(lines.length, 4);
        const [a, b, c, summary] = lines.map((l) => JSON.parse(l));
        assert.equal(a.url, `${s.url}/bytes/1000`);
        assert.equal(a.status, 200);
        assert.equal(a.bodyBytes, 1000);
        assert.match(a.bodySha256, /^[0-9a-f]{64}$/);
        assert.equal(b.bodyBytes, 5000);
        assert.equal(c.status, 200);
        assert.equal(summary.summary.requests, 3);
        assert.equal(summary.summary.connectionsOpened, 1);
        assert.equal(summary.summary.reused, 2);
      } finally {
        s.stop();
      }
    },
  },
  {
    name: "get --serial reuses one connection and says so per line",
    run: async (app) => {
      const s = await startExample(app);
      try {
        const { lines } = await runExample(app, [
          "get",
          `${s.url}/bytes/10`,
          `${s.url}/bytes/20`,
          "--serial",
        ]);
        const [a, b] = lines.map((l) => JSON.parse(l));
        assert.equal(a.reused, false);
        assert.equal(b.reused, true);
        assert.equal(b.connection, a.connection);
      } finally {
        s.stop();
      }
    },
  },
  {
    name: "get reports a typed error and exits 1 when the origin refuses",
    run: async (app) => {
      const { code, lines } = await runExample(app, [
        "get",
        "http://127.0.0.1:1/x",
        "--retries",
        "0",
      ]);
      assert.equal(code, 1);
      const line = JSON.parse(lines[0] as string);
      assert.match(line.error.code, /CONNECT_FAILED|RETRIES_EXHAUSTED/);
    },
  },
  {
    name: "proxy forwards to the upstream with keep-alive and strips hop-by-hop fields",
    run: async (app) => {
      const upstream = await startExample(app);
      try {
        const proxy = await startProxy(app, upstream.url);
        try {
          const c = new RawClient(proxy.port);
          await c.send(
            "GET /echo HTTP/1.1\r\nHost: t\r\nConnection: x-hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=9\r\nX-Kept: yes\r\n\r\n",
          );
          await c.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n");
          const rs = await c.responses(2);
          const echo = JSON.parse(rs[0]?.body ?? "{}");
          const names = (echo.headers as [string, string][]).map(([n]) => n.toLowerCase());
          assert.ok(names.includes("x-kept"));
          assert.ok(!names.includes("x-hop"));
          assert.ok(!names.includes("keep-alive"));
          assert.equal(rs.length, 2);
          c.destroy();
        } finally {
          proxy.stop();
        }
      } finally {
        upstream.stop();
      }
    },
  },
];
