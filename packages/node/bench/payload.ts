/** The small response body every server and origin in the benchmark sends. */
export const BODY = "Hello, World!";
