/**
 * TLS benchmark on Node (issue #9), run by hand:
 *
 *     cd packages/node && npx tsx bench/tls.ts [--rounds N] [--seconds S]
 *
 * Clients — Tether's `createClient()`, `node:https` with a keep-alive Agent,
 * and undici 7's Pool — against one `node:https` origin in a child process
 * (so client and server do not share a core), in two modes:
 *
 * - keep-alive: GETs of a 2-octet body, 16 in flight over at most 16
 *   persistent TLS connections: requests per second;
 * - new connection: every GET on a new TLS connection (`Connection:
 *   close`), 8 in flight: handshakes per second. Every client resumes TLS
 *   sessions (Tether's layer, the Agent's and undici's session caches), so
 *   this is the resumed-handshake rate, which is what repeat connections pay.
 *
 * And servers — `serve({ tls })` against `node:https.createServer` — each in
 * a child process, loaded by undici over keep-alive connections.
 *
 * Rounds interleave the contenders (A B C, A B C, …) so that drift in the
 * machine's speed touches all of them alike; each cell is the median of
 * its rounds, and the ratios are of medians. Certificates are made for the
 * run with `openssl` and removed after.
 */
import { type ChildProcess, fork } from "node:child_process";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { makeTestCertificates, type TestCertificates } from "@tether/conformance";
import { Pool } from "undici";
import { createClient, serve } from "../src/index.ts";

const args = process.argv.slice(2);
const ROUNDS = Number(option("--rounds") ?? 5);
const SECONDS = Number(option("--seconds") ?? 1.5);
const KEEP_ALIVE_IN_FLIGHT = 16;
const NEW_CONNECTION_IN_FLIGHT = 8;

function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

// --- child processes: the origins ------------------------------------------------

/** In a child: serve TLS with `kind` and report the port to the parent. */
async function child(kind: string, certFile: string, keyFile: string): Promise<void> {
  const { readFileSync } = await import("node:fs");
  const cert = readFileSync(certFile, "utf8");
  const key = readFileSync(keyFile, "utf8");
  let port: number;
  if (kind === "tether") {
    const server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert, key },
      keepAliveTimeoutMs: 60_000,
      handler: (ex) => ex.respond(200, [["content-type", "text/plain"]], "ok"),
    });
    port = server.port;
  } else {
    const server = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  }
  process.send?.({ port });
}

/** Starts an origin of `kind` in a child process; resolves with its port. */
function startOrigin(
  kind: "node" | "tether",
  certs: TestCertificates,
): Promise<{ port: number; stop(): void }> {
  const proc: ChildProcess = fork(
    new URL(import.meta.url).pathname,
    ["--child", kind, certs.server.certFile, certs.server.keyFile],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  return new Promise((resolve, reject) => {
    proc.once("message", (m: { port: number }) =>
      resolve({ port: m.port, stop: () => proc.kill() }),
    );
    proc.once("exit", (code) => reject(new Error(`origin ${kind} exited (${code})`)));
  });
}

// --- clients ---------------------------------------------------------------------

/** Sends one GET and resolves once its whole body is read. */
type Get = () => Promise<void>;

/** A client under test: a GET function per mode, and a way to close it. */
interface Contender {
  readonly label: string;
  get(): Get;
  close(): Promise<void>;
}

function tetherClient(port: number, ca: string, fresh: boolean): Contender {
  const client = createClient({
    tls: { ca },
    connectionsPerOrigin: fresh ? NEW_CONNECTION_IN_FLIGHT : KEEP_ALIVE_IN_FLIGHT,
    ...(fresh ? { maxRequestsPerConnection: 1 } : {}),
  });
  const url = `https://localhost:${port}/`;
  return {
    label: "tether createClient()",
    get: () => async () => {
      await client.request({ url });
    },
    close: () => client.close(),
  };
}

function nodeHttpsClient(port: number, ca: string, fresh: boolean): Contender {
  const agent = new https.Agent({
    keepAlive: !fresh,
    maxSockets: fresh ? NEW_CONNECTION_IN_FLIGHT : KEEP_ALIVE_IN_FLIGHT,
    ca,
  });
  const get = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "localhost",
          port,
          path: "/",
          agent,
          headers: fresh ? { connection: "close" } : {},
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", resolve);
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
  return {
    label: "node:https (Agent)",
    get: () => get,
    close: async () => agent.destroy(),
  };
}

function undiciClient(port: number, ca: string, fresh: boolean): Contender {
  const pool = new Pool(`https://localhost:${port}`, {
    connections: fresh ? NEW_CONNECTION_IN_FLIGHT : KEEP_ALIVE_IN_FLIGHT,
    connect: { ca },
  });
  return {
    label: "undici 7 Pool",
    get: () => async () => {
      const r = await pool.request({ path: "/", method: "GET", reset: fresh });
      await r.body.text();
    },
    close: () => pool.close(),
  };
}

// --- measuring -------------------------------------------------------------------

/** Requests completed per second with `inFlight` loops running for SECONDS. */
async function rate(get: Get, inFlight: number): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await get();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  return done / ((performance.now() - start) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Interleaved rounds of every contender; medians by label. */
async function rounds(make: (() => Contender)[], inFlight: number): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>();
  const contenders = make.map((m) => m());
  // Warm-up: connections, sessions and JIT.
  for (const c of contenders) await rate(c.get(), inFlight);
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of contenders) {
      const list = samples.get(c.label) ?? [];
      list.push(await rate(c.get(), inFlight));
      samples.set(c.label, list);
    }
  }
  for (const c of contenders) await c.close();
  return new Map([...samples].map(([label, xs]) => [label, median(xs)]));
}

function table(title: string, unit: string, medians: Map<string, number>, ours: string): string {
  const base = medians.get(ours) ?? Number.NaN;
  const lines = [
    `${title}`,
    `| contender | ${unit} (median of ${ROUNDS}) | ours ÷ it |`,
    "|---|---:|---:|",
  ];
  for (const [label, value] of medians) {
    const ratio = label === ours ? "—" : (base / value).toFixed(2);
    lines.push(`| ${label} | ${Math.round(value).toLocaleString("en")} | ${ratio} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const certs = makeTestCertificates();
  const ca = certs.ca.cert;
  const origin = await startOrigin("node", certs);
  try {
    console.log(
      `TLS benchmark: ${ROUNDS} interleaved rounds of ${SECONDS} s, Node ${process.version}\n`,
    );
    const keepAlive = await rounds(
      [
        () => tetherClient(origin.port, ca, false),
        () => nodeHttpsClient(origin.port, ca, false),
        () => undiciClient(origin.port, ca, false),
      ],
      KEEP_ALIVE_IN_FLIGHT,
    );
    console.log(
      table(
        `Client, keep-alive over TLS (${KEEP_ALIVE_IN_FLIGHT} in flight, node:https origin):`,
        "requests/s",
        keepAlive,
        "tether createClient()",
      ),
    );
    const fresh = await rounds(
      [
        () => tetherClient(origin.port, ca, true),
        () => nodeHttpsClient(origin.port, ca, true),
        () => undiciClient(origin.port, ca, true),
      ],
      NEW_CONNECTION_IN_FLIGHT,
    );
    console.log(
      `\n${table(
        `Client, a new TLS connection per request (${NEW_CONNECTION_IN_FLIGHT} in flight, sessions resumed):`,
        "handshakes/s",
        fresh,
        "tether createClient()",
      )}`,
    );
  } finally {
    origin.stop();
  }
  const ours = await startOrigin("tether", certs);
  const theirs = await startOrigin("node", certs);
  try {
    const servers = await rounds(
      [
        () => ({ ...undiciClient(ours.port, ca, false), label: "tether serve({ tls })" }),
        () => ({ ...undiciClient(theirs.port, ca, false), label: "node:https server" }),
      ],
      KEEP_ALIVE_IN_FLIGHT,
    );
    console.log(
      `\n${table(
        `Server, keep-alive over TLS (undici Pool load, ${KEEP_ALIVE_IN_FLIGHT} in flight):`,
        "requests/s",
        servers,
        "tether serve({ tls })",
      )}`,
    );
  } finally {
    ours.stop();
    theirs.stop();
    certs.remove();
  }
}

if (args[0] === "--child") await child(args[1] as string, args[2] as string, args[3] as string);
else await main();
