/**
 * Writing the report, through `node:fs` — which Node, Bun and Deno all
 * provide — so every entry shares it.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Writes `text` to `path` (relative to the working directory), creating folders; resolves with the absolute path. */
export async function writeTextFile(path: string, text: string): Promise<string> {
  const absolute = resolve(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, text);
  return absolute;
}
