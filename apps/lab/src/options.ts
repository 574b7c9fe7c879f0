/**
 * The lab's command line: argv in, typed {@link LabOptions} out. Pure; every
 * mistake is a {@link LabUsageError}, which the entry turns into exit status 2.
 */
import { STRATEGY_IDS, type StrategyId } from "./strategies.ts";

/** The runtimes the lab runs on. */
export type RuntimeName = "node" | "bun" | "deno";

/** The TLS version whose handshake `--tls` adds to every new connection. */
export type TlsVersion = "1.2" | "1.3";

/** Everything a run of the lab is told. Times in milliseconds, sizes in bytes. */
export interface LabOptions {
  /** Round-trip time of the emulated link. */
  readonly rttMs: number;
  /** Bottleneck bandwidth of the emulated link, per direction (Mbit/s). */
  readonly bandwidthMbps: number;
  /** Images on the page. */
  readonly images: number;
  /** Size of each image. */
  readonly imageSize: number;
  /** Connection cap of the parallel strategies. */
  readonly connections: number;
  /** Requests in flight on the pipelined connection. */
  readonly pipelineDepth: number;
  /** Initial congestion window, in segments (RFC 6928: 10). */
  readonly initialWindow: number;
  /** Largest congestion window, in segments. */
  readonly maxWindow: number;
  readonly runtime: RuntimeName;
  /** Where the HTML report is written. */
  readonly out: string;
  /** The origin server closes idle connections after this long (its keep-alive timeout). */
  readonly serverIdleTimeoutMs: number | undefined;
  /** The server side of the link closes each connection, unannounced, after this many requests. */
  readonly dropAfter: number | undefined;
  /** Every new connection also pays this TLS version's handshake (`--tls`); `undefined`: plain TCP. */
  readonly tls: TlsVersion | undefined;
  /** The strategies to run, in order. */
  readonly strategies: readonly StrategyId[];
  readonly help: boolean;
}

/** A command line the lab cannot run; the message says why. */
export class LabUsageError extends Error {
  override readonly name = "LabUsageError";
}

/** Printed for `--help` and with every usage error. */
export const USAGE = `usage: pnpm demo [options]
  --rtt MS                    round-trip time of the emulated link (default 50)
  --bandwidth MBIT            bottleneck bandwidth per direction, Mbit/s (default 10)
  --images N                  images on the page (default 20)
  --image-size BYTES          size of each image; k and M suffixes = ×1000, ×1000000 (default 30k)
  --connections N             connection cap of the parallel strategies (default 6)
  --pipeline-depth N          requests in flight on the pipelined connection (default 6)
  --initial-window SEGMENTS   initial congestion window (default 10, RFC 6928)
  --max-window SEGMENTS       congestion window cap (default 44, about 64 KiB)
  --runtime node|bun|deno     the runtime that runs the lab (default node)
  --out PATH                  where the HTML report goes (default out/connection-lab.html)
  --server-idle-timeout MS    the server closes connections idle this long (try less than the RTT)
  --drop-after N              the server side closes each connection after N requests, unannounced
  --tls[=1.3|1.2]             every new connection also pays a TLS handshake: 1 RTT (1.3, the default) or 2 (1.2)
  --only ID,ID…               run only these strategies: ${STRATEGY_IDS.join(", ")}
  --help`;

const DEFAULTS = {
  rttMs: 50,
  bandwidthMbps: 10,
  images: 20,
  imageSize: 30_000,
  connections: 6,
  pipelineDepth: 6,
  initialWindow: 10,
  maxWindow: 44,
  out: "out/connection-lab.html",
} as const;

/** Parses the arguments after the program name. `runtime` is the default for `--runtime`. */
export function parseOptions(argv: readonly string[], runtime: RuntimeName = "node"): LabOptions {
  const o: { -readonly [K in keyof LabOptions]: LabOptions[K] } = {
    ...DEFAULTS,
    runtime,
    serverIdleTimeoutMs: undefined,
    dropAfter: undefined,
    tls: undefined,
    strategies: STRATEGY_IDS,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new LabUsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case "--rtt":
        o.rttMs = number(name, value(), 0, 10_000);
        break;
      case "--bandwidth":
        o.bandwidthMbps = number(name, value(), 0.01, 100_000);
        break;
      case "--images":
        o.images = integer(name, value(), 1, 500);
        break;
      case "--image-size":
        o.imageSize = size(name, value());
        break;
      case "--connections":
        o.connections = integer(name, value(), 1, 64);
        break;
      case "--pipeline-depth":
        o.pipelineDepth = integer(name, value(), 2, 500);
        break;
      case "--initial-window":
        o.initialWindow = integer(name, value(), 1, 1000);
        break;
      case "--max-window":
        o.maxWindow = integer(name, value(), 1, 100_000);
        break;
      case "--runtime": {
        const r = value();
        if (r !== "node" && r !== "bun" && r !== "deno") {
          throw new LabUsageError(`--runtime must be node, bun or deno, got ${JSON.stringify(r)}`);
        }
        o.runtime = r;
        break;
      }
      case "--out":
        o.out = value();
        if (o.out === "") throw new LabUsageError("--out needs a path");
        break;
      case "--server-idle-timeout":
        o.serverIdleTimeoutMs = number(name, value(), 1, 600_000);
        break;
      case "--drop-after":
        o.dropAfter = integer(name, value(), 1, 10_000);
        break;
      case "--only":
        o.strategies = strategyList(value());
        break;
      case "--tls": {
        // `--tls`, `--tls=1.2`, or `--tls 1.2`: the version is optional.
        const next = argv[i + 1];
        const version =
          inline ?? (next === "1.2" || next === "1.3" ? (argv[++i] as string) : "1.3");
        if (version !== "1.2" && version !== "1.3") {
          throw new LabUsageError(`--tls must be 1.3 or 1.2, got ${JSON.stringify(version)}`);
        }
        o.tls = version;
        break;
      }
      case "--help":
      case "-h":
        o.help = true;
        break;
      default:
        throw new LabUsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (o.maxWindow < o.initialWindow) {
    throw new LabUsageError("--max-window must be at least --initial-window");
  }
  return o;
}

function number(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new LabUsageError(
      `${name} must be a number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = number(name, text, min, max);
  if (!Number.isInteger(n)) throw new LabUsageError(`${name} must be a whole number, got ${text}`);
  return n;
}

/** `30000`, `30k`, `1.5M`. */
function size(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (m === null)
    throw new LabUsageError(
      `${name} must be a size like 30000, 30k or 1M, got ${JSON.stringify(text)}`,
    );
  const unit = m[2] === "" ? 1 : (m[2] as string).toLowerCase() === "k" ? 1000 : 1_000_000;
  const n = Math.round(Number(m[1]) * unit);
  if (n < 1 || n > 64_000_000) throw new LabUsageError(`${name} must be from 1 byte to 64M`);
  return n;
}

function strategyList(text: string): StrategyId[] {
  const out: StrategyId[] = [];
  for (const part of text.split(",")) {
    const id = part.trim();
    if (!(STRATEGY_IDS as readonly string[]).includes(id)) {
      throw new LabUsageError(
        `unknown strategy ${JSON.stringify(id)} (known: ${STRATEGY_IDS.join(", ")})`,
      );
    }
    if (!out.includes(id as StrategyId)) out.push(id as StrategyId);
  }
  // Always in the table's order, whatever the order given.
  return STRATEGY_IDS.filter((id) => out.includes(id));
}
