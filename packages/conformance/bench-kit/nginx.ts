/**
 * The origin the clients of every adapter's benchmark load: nginx with one
 * worker process answering `GET /` with the fixed small body (as in
 * shared/research/baselines.md), pinned to a core.
 */
import { type ChildProcess as NodeChild, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { BODY } from "./payload.ts";
import { freePort, pinned } from "./processes.ts";

/** A running origin. */
export interface Origin {
  readonly description: string;
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The nginx configuration: one process, no logging, long keep-alive. */
function nginxConfig(dir: string, port: number): string {
  return `
worker_processes 1;
master_process off;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      default_type text/plain;
      return 200 "${BODY}";
    }
  }
}
`;
}

async function waitForPort(port: number, proc: NodeChild): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited (code ${proc.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("nginx did not start listening");
}

/** Starts nginx with one worker on a free port, pinned to `cpu`. */
export async function startNginx(cpu: number): Promise<Origin> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tether-bench-nginx-"));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, "nginx.conf"), nginxConfig(dir, port));
  const argv = pinned(cpu, ["nginx", "-p", dir, "-c", path.join(dir, "nginx.conf")]);
  const proc = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
  await waitForPort(port, proc);
  return {
    description: "nginx (one process, master_process off), fixed 13-byte text/plain body",
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once("exit", resolve));
        proc.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
