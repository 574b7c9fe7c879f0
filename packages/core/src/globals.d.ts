/**
 * The few Web-standard globals core uses, present on Node, Bun, Deno and in
 * browsers. Declared here so core type-checks without DOM or Node typings,
 * which would also admit timers, sockets and `process`.
 */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
