/**
 * The lab, runtime-neutral: for each strategy, start an origin server and a
 * link emulator, load the page through a client configured by the strategy,
 * and put together what the client and the link saw. `runLab` is the whole
 * command; the per-runtime entries (main-node.ts, main-bun.ts, main-deno.ts)
 * only hand it their adapter.
 */
import type { CreateClient, Serve, SocketLayer } from "@tether/adapter-kit";
import { type LinkParameters, linkParameters } from "./link-model.ts";
import {
  type LabOptions,
  LabUsageError,
  parseOptions,
  type RuntimeName,
  USAGE,
} from "./options.ts";
import { pageHtml, startOrigin } from "./origin.ts";
import { type LoadOptions, loadPage } from "./page-load.ts";
import { LinkEmulator } from "./relay.ts";
import { renderReport } from "./report.ts";
import { assemble, type StrategyRun } from "./results.ts";
import { type Strategy, strategy } from "./strategies.ts";
import { parameterLines, tableLines } from "./table.ts";

/** What a runtime's entry hands the lab. */
export interface LabRuntime {
  readonly name: RuntimeName;
  /** e.g. `node v20.20.2`. */
  readonly version: string;
  readonly layer: SocketLayer;
  readonly serve: Serve;
  /** `undefined` while the runtime's adapter has no client yet. */
  readonly createClient: CreateClient | undefined;
  readonly print: (line: string) => void;
  /** Writes the report; resolves with its absolute path. */
  readonly writeFile: (path: string, text: string) => Promise<string>;
}

/** What one strategy's run needs besides the strategy. */
export interface RunSettings {
  readonly link: LinkParameters;
  readonly images: number;
  readonly imageSize: number;
  readonly serverIdleTimeoutMs: number | undefined;
  readonly dropAfter: number | undefined;
  readonly load?: LoadOptions;
}

/** The settings of a run from the command line's options. */
export function runSettings(o: LabOptions): RunSettings {
  return {
    link: linkParameters(o),
    images: o.images,
    imageSize: o.imageSize,
    serverIdleTimeoutMs: o.serverIdleTimeoutMs,
    dropAfter: o.dropAfter,
  };
}

/** Loads the page once with `s`: a fresh server, link and client, all closed after. */
export async function runStrategy(
  runtime: Pick<LabRuntime, "layer" | "serve" | "createClient" | "name">,
  s: Strategy,
  settings: RunSettings,
): Promise<StrategyRun> {
  const createClient = runtime.createClient;
  if (createClient === undefined) throw new MissingClientError(runtime.name);
  const server = await startOrigin(runtime.serve, {
    images: settings.images,
    imageSize: settings.imageSize,
    idleTimeoutMs: settings.serverIdleTimeoutMs,
  });
  const relay = await LinkEmulator.start(
    runtime.layer,
    settings.link,
    { hostname: "127.0.0.1", port: server.port },
    settings.dropAfter !== undefined ? { dropAfter: settings.dropAfter } : {},
  );
  try {
    const client = createClient(s.client);
    const load = await loadPage(client, relay.url, settings.load);
    await client.close();
    await relay.whenIdle(1000 + 4 * settings.link.rttMs);
    return assemble(s, load, relay.observe());
  } finally {
    await relay.close();
    await server.close();
  }
}

/** The runtime's adapter has no `createClient()` yet. */
export class MissingClientError extends Error {
  override readonly name = "MissingClientError";
  constructor(runtime: string) {
    super(
      `@tether/${runtime} does not export createClient() yet, so the lab cannot run on ${runtime}; ` +
        "use --runtime node for now",
    );
  }
}

/** The whole command. Resolves with the exit status. */
export async function runLab(runtime: LabRuntime, argv: readonly string[]): Promise<number> {
  let o: LabOptions;
  try {
    o = parseOptions(argv, runtime.name);
  } catch (e) {
    if (!(e instanceof LabUsageError)) throw e;
    runtime.print(`error: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    runtime.print(USAGE);
    return 0;
  }
  if (o.runtime !== runtime.name) {
    runtime.print(
      `error: this is the ${runtime.name} entry; run the lab with --runtime ${o.runtime} from its Node entry`,
    );
    return 2;
  }
  if (runtime.createClient === undefined) {
    runtime.print(`error: ${new MissingClientError(runtime.name).message}`);
    return 1;
  }
  const settings = runSettings(o);
  const parameters = parameterLines(o, settings.link, new TextEncoder().encode(pageHtml(o)).length);
  runtime.print(`Tether connection lab — ${runtime.version}`);
  for (const line of parameters) runtime.print(line);
  runtime.print("");
  // One small untimed load first, so that no strategy pays for the runtime's
  // first-time costs (module loading, JIT) in its numbers.
  const warmUp = {
    ...settings,
    link: { ...settings.link, rttMs: 1 },
    images: 2,
    dropAfter: undefined,
  };
  await runStrategy(runtime, strategy("serial-new", o), warmUp);
  await runStrategy(runtime, strategy("pipelined", o), warmUp);
  const runs: StrategyRun[] = [];
  for (const id of o.strategies) {
    const s = strategy(id, o);
    const run = await runStrategy(runtime, s, settings);
    runs.push(run);
  }
  for (const line of tableLines(runs)) runtime.print(line);
  const html = renderReport(runs, {
    runtime: runtime.version,
    parameters,
    generatedAt: new Date(),
  });
  const path = await runtime.writeFile(o.out, html);
  runtime.print("");
  runtime.print(`report: ${path}`);
  runtime.print(`        file://${encodeURI(path)}`);
  return 0;
}
