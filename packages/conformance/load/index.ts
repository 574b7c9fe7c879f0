/**
 * @tether/conformance/load — load and soak scripts for every runtime
 * (issue #8). Each runtime provides `packages/<runtime>/load/entry.ts`,
 * which calls {@link runLoadRole} with its `serve` and `createClient`; the
 * orchestrator (orchestrate.ts, run from run.ts or a test) starts those
 * entries as separate processes.
 */
import type { CreateClient, Serve } from "@tether/adapter-kit";
import { connectionsRole } from "./connections-role.ts";
import { serverRole } from "./server-role.ts";
import { soakRole } from "./soak-role.ts";

export {
  type ConnectionsOptions,
  type ConnectionsReport,
  runConnections,
  runSoak,
  type ServerStats,
  type SoakOptions,
  type SoakReport,
} from "./orchestrate.ts";

/** The runtimes the load scripts run on. */
export type LoadRuntimeName = "node" | "bun" | "deno";

/** What a runtime's entry gives the load roles. */
export interface LoadRuntime {
  readonly name: LoadRuntimeName;
  readonly serve: Serve;
  readonly createClient: CreateClient;
}

/** Runs the role named by `args[0]`: `server`, `connections-client` or `soak-client`. */
export async function runLoadRole(runtime: LoadRuntime, args: readonly string[]): Promise<void> {
  const [role = "", ...rest] = args;
  if (role === "server") return serverRole(runtime, rest);
  if (role === "connections-client") return connectionsRole(rest);
  if (role === "soak-client") return soakRole(runtime.createClient, rest);
  throw new Error(`unknown load role "${role}"`);
}
