/**
 * The browser of the lab: it fetches the page, finds its images, and asks
 * for all of them at once, leaving it to the client pool's options (the
 * strategy) to decide which connection carries what, and when. It records
 * what the public client API shows: when each request was asked for, when
 * its whole response arrived, the attempts it took, and the client's
 * connection events.
 */
import type { ClientStats, ConnectionEvent, TetherClient } from "@tether/adapter-kit";
import { findImages } from "./origin.ts";
import { clock } from "./timeline.ts";

/** One request of the page load, as the client's caller saw it. */
export interface LoadedRequest {
  readonly target: string;
  readonly kind: "page" | "image";
  /** The loader asked for it. */
  readonly issuedAt: number;
  /** Its whole response arrived, or it failed for good. */
  doneAt: number | null;
  status: number;
  /** Body bytes received. */
  bytes: number;
  /** Attempts the client made (from its response). */
  attempts: number;
  /** The client's connection id (from its response). */
  connection: number | null;
  /** Why it failed for good, or `null`. */
  error: string | null;
}

/** A client event and when it came. */
export interface TimedEvent {
  readonly at: number;
  readonly event: ConnectionEvent;
}

/** One page load. */
export interface PageLoad {
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The page first, then the images in document order. */
  readonly requests: readonly LoadedRequest[];
  readonly events: readonly TimedEvent[];
  readonly stats: ClientStats;
}

/** How the loader behaves. */
export interface LoadOptions {
  /**
   * Ask for the images together with the page, before its response (not
   * what a browser can do; the tests use it to show that the pool still
   * pipelines only after a response proved the connection persistent).
   */
  readonly imagesWithPage?: readonly string[];
}

/** Loads the page at `origin` (`http://host:port`) through `client`. */
export async function loadPage(
  client: TetherClient,
  origin: string,
  options: LoadOptions = {},
): Promise<PageLoad> {
  const events: TimedEvent[] = [];
  const off = client.on((event) => events.push({ at: clock(), event }));
  const requests: LoadedRequest[] = [];
  const get = (target: string, kind: "page" | "image"): Promise<string> => {
    const r: LoadedRequest = {
      target,
      kind,
      issuedAt: clock(),
      doneAt: null,
      status: 0,
      bytes: 0,
      attempts: 0,
      connection: null,
      error: null,
    };
    requests.push(r);
    return client.request({ url: `${origin}${target}` }).then(
      (response) => {
        r.doneAt = clock();
        r.status = response.status;
        r.bytes = response.body.length;
        r.attempts = response.attempts;
        r.connection = response.connection;
        return kind === "page" ? new TextDecoder().decode(response.body) : "";
      },
      (error: unknown) => {
        r.doneAt = clock();
        r.error = describe(error);
        r.attempts = attemptsOf(error);
        return "";
      },
    );
  };
  const startedAt = clock();
  try {
    if (options.imagesWithPage !== undefined) {
      await Promise.all([
        get("/", "page"),
        ...options.imagesWithPage.map((src) => get(src, "image")),
      ]);
    } else {
      const html = await get("/", "page");
      await Promise.all(findImages(html).map((src) => get(src, "image")));
    }
  } finally {
    off();
  }
  return { startedAt, finishedAt: clock(), requests, events, stats: client.stats() };
}

/** The attempts a failed request made (a `RequestError` carries them). */
function attemptsOf(error: unknown): number {
  const attempts = (error as { attempts?: { count?: unknown } } | null)?.attempts?.count;
  return typeof attempts === "number" ? attempts : 0;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
