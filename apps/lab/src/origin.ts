/**
 * The origin server of the lab: one HTML page naming N images, and the
 * images (incompressible bytes of the chosen size), served by Tether's
 * `serve()` on the runtime under test.
 */
import type { Serve, TetherServer } from "@tether/adapter-kit";

/** What the page holds. */
export interface PageSpec {
  readonly images: number;
  readonly imageSize: number;
}

/** The image paths of a page, in document order. */
export function imagePaths(images: number): string[] {
  return Array.from({ length: images }, (_, i) => `/img/${i + 1}`);
}

/** The HTML document: a title and one `<img>` per image. */
export function pageHtml(spec: PageSpec): string {
  const imgs = imagePaths(spec.images)
    .map((src) => `    <img src="${src}" width="64" height="64" alt="">`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>The connection lab's page</title>
  </head>
  <body>
    <h1>A page of ${spec.images} images</h1>
${imgs}
  </body>
</html>
`;
}

/** The `src` of every `<img>` in a document, in order (what a browser's preload scanner finds). */
export function findImages(html: string): string[] {
  return [...html.matchAll(/<img\s[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] as string);
}

/** Bytes that no link could compress (a fixed xorshift sequence). */
export function imageBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Options of {@link startOrigin}. */
export interface OriginOptions extends PageSpec {
  /** The server's keep-alive (idle) timeout; Tether's default otherwise. */
  readonly idleTimeoutMs: number | undefined;
}

/** Starts the origin on a free loopback port. */
export function startOrigin(serve: Serve, o: OriginOptions): Promise<TetherServer> {
  const html = pageHtml(o);
  const image = imageBytes(o.imageSize);
  const images = new Set(imagePaths(o.images));
  return serve({
    hostname: "127.0.0.1",
    port: 0,
    ...(o.idleTimeoutMs !== undefined ? { keepAliveTimeoutMs: o.idleTimeoutMs } : {}),
    handler: (ex) => {
      const target = ex.head.target;
      if (target === "/") {
        ex.respond(200, [["content-type", "text/html; charset=utf-8"]], html);
      } else if (images.has(target)) {
        ex.respond(200, [["content-type", "application/octet-stream"]], image);
      } else {
        ex.respond(404, [["content-type", "text/plain"]], "not found\n");
      }
    },
  });
}
