/**
 * The protocol error a server session owes an answer: the exchange it
 * belongs to (RFC 9112 §9.6: an error ends the connection, so at most one
 * is ever owed) and when its turn comes. Answering it writes the minimal
 * response of error-response.ts.
 */
import { answerProtocolError, errorAnswerIsDue } from "./error-response.ts";
import type { ProtocolError } from "./errors.ts";
import type { ServerConnection } from "./server-connection.ts";

/** At most one owed protocol error. See the module comment. */
export class OwedError {
  private id = 0;
  private status = 0;

  /** Exchange `id` broke the protocol with `error`. */
  record(id: number, error: ProtocolError): void {
    this.id = id;
    this.status = error.status;
  }

  /** Nothing is owed any more (the connection closes). */
  clear(): void {
    this.id = 0;
  }

  /** Exchange `id` is the owed one. */
  is(id: number): boolean {
    return this.id !== 0 && this.id === id;
  }

  /** The owed error is the next exchange `conn` answers (RFC 9112 §9.3.2: in order). */
  isDue(conn: ServerConnection): boolean {
    return this.id !== 0 && errorAnswerIsDue(conn, this.id);
  }

  /** The bytes of the minimal answer (RFC 9112 §9.6: then close); nothing is owed afterwards. */
  answer(conn: ServerConnection): Uint8Array[] {
    this.id = 0;
    return answerProtocolError(conn, this.status);
  }
}
