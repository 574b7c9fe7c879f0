/**
 * What a load process counts about itself, the same way on Node, Bun and
 * Deno: live timers (by wrapping the global timer functions, installed
 * before the server starts), open file descriptors (Linux `/proc/self/fd`),
 * and memory after a full garbage collection.
 */
import { readdirSync } from "node:fs";

type Handle = unknown;
type TimerFn = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => Handle;

const live = new Set<Handle>();
let installed = false;

/**
 * Wraps `setTimeout`/`setInterval` and their `clear…` so that {@link liveTimers}
 * counts the timers pending now. Timers made before the call are not seen.
 */
export function installTimerCensus(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  const setT = g.setTimeout as TimerFn;
  const clearT = g.clearTimeout as (h: Handle) => void;
  const setI = g.setInterval as TimerFn;
  const clearI = g.clearInterval as (h: Handle) => void;
  g.setTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = setT(
      (...a: unknown[]) => {
        live.delete(key(handle));
        callback(...a);
      },
      ms,
      ...args,
    );
    live.add(key(handle));
    return handle;
  };
  g.clearTimeout = (handle: Handle) => {
    live.delete(key(handle));
    clearT(handle);
  };
  g.setInterval = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = setI(callback, ms, ...args);
    live.add(key(handle));
    return handle;
  };
  g.clearInterval = (handle: Handle) => {
    live.delete(key(handle));
    clearI(handle);
  };
}

/** Node's and Bun's timers are objects that convert to their numeric id; Deno's are numbers. */
function key(handle: Handle): Handle {
  return typeof handle === "object" && handle !== null ? Number(handle) || handle : handle;
}

/** Timers pending now (made after {@link installTimerCensus}). */
export function liveTimers(): number {
  return live.size;
}

/** Open file descriptors of this process (Linux), or -1 where /proc is not there. */
export function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return -1;
  }
}

/** Runs a full garbage collection where the runtime lets us (Node/Deno: --expose-gc; Bun: Bun.gc). */
export function collectGarbage(): boolean {
  const g = globalThis as unknown as {
    gc?: () => void;
    Bun?: { gc(force: boolean): void };
  };
  if (g.Bun !== undefined) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    g.gc();
    return true;
  }
  return false;
}

/** Memory of this process, in octets. */
export interface MemorySnapshot {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export function memory(): MemorySnapshot {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Node's names of the resources keeping the loop alive (empty where the runtime does not say). */
export function activeResources(): Record<string, number> {
  const info = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
  const out: Record<string, number> = {};
  for (const name of info?.() ?? []) out[name] = (out[name] ?? 0) + 1;
  return out;
}
