/** What client cases share: the runtime's client factory and small helpers. */
import type { ClientOptions, CreateClient, TetherClient } from "@tether/adapter-kit";
import type { RequestError } from "@tether/core";

/** What a runtime gives the client suite. */
export interface ClientUnderTest {
  readonly runtime: string;
  readonly createClient: CreateClient;
}

/** Runs `body` with a fresh client, then closes it. */
export async function withClient(
  t: ClientUnderTest,
  options: ClientOptions,
  body: (client: TetherClient) => Promise<void>,
): Promise<void> {
  const client = t.createClient(options);
  try {
    await body(client);
  } finally {
    await client.close();
  }
}

/** The error `p` rejects with; fails when it resolves. It must be a typed {@link RequestError}. */
export async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error) || error.name !== "RequestError") {
    throw new Error(`expected a RequestError, got ${String(error)}`);
  }
  return error as RequestError;
}

/** Fails unless `actual` holds exactly the octets of `expected` (whatever the Uint8Array subclass). */
export function assertBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (actual.length !== expected.length) {
    throw new Error(`expected ${expected.length} octets, got ${actual.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i])
      throw new Error(`octet ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Bytes as UTF-8 text. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
