/**
 * Resumable TLS sessions for clients, shared by every runtime adapter.
 *
 * Sessions are kept by `host:port` and per client TLS setting (the options
 * object), so a session verified under one trust setting is never resumed
 * under another. Each setting keeps at most {@link TLS_SESSION_CACHE_SIZE}
 * sessions, the least recently stored going first.
 */
import type { ClientTlsOptions } from "./socket-layer.ts";

/** Sessions kept per client TLS setting. */
export const TLS_SESSION_CACHE_SIZE = 100;

/** A session cache; `S` is the runtime's session type (a Buffer on Node, bytes on Bun). */
export class TlsSessionCache<S> {
  private readonly byOptions = new WeakMap<ClientTlsOptions, Map<string, S>>();

  /** The session to offer for `hostname:port` under `options`, if one is kept. */
  get(options: ClientTlsOptions, hostname: string, port: number): S | undefined {
    return this.byOptions.get(options)?.get(`${hostname}:${port}`);
  }

  /** Keeps a connection's session for the next connection to `hostname:port`. */
  keep(options: ClientTlsOptions, hostname: string, port: number, session: S): void {
    let cache = this.byOptions.get(options);
    if (cache === undefined) {
      cache = new Map();
      this.byOptions.set(options, cache);
    }
    const key = `${hostname}:${port}`;
    cache.delete(key);
    cache.set(key, session);
    if (cache.size > TLS_SESSION_CACHE_SIZE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }
}
