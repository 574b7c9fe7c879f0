/**
 * The origin the clients load: nginx with one worker process (the shared
 * bench kit's, as in shared/research/baselines.md), or, with
 * `--origin raw-net`, the raw node:net fixed-response server of the server
 * benchmark. Either way it runs pinned to core 0, the clients to core 1.
 */
import { childOrigin } from "../../conformance/bench-kit/driver.ts";
import { type Origin, startNginx } from "../../conformance/bench-kit/nginx.ts";
import { startChild } from "./child.ts";

export type { Origin };

/** Starts the raw node:net fixed-response server. */
function startRawNet(cpu: number): Promise<Origin> {
  return childOrigin(
    "raw node:net server writing a fixed response",
    startChild("server-child.ts", ["raw-net"], { cpu }),
  );
}

/** Starts the origin of `kind` pinned to `cpu`. */
export function startOrigin(kind: "nginx" | "raw-net", cpu: number): Promise<Origin> {
  return kind === "nginx" ? startNginx(cpu) : startRawNet(cpu);
}
