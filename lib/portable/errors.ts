/**
 * The one error type of portable mode: a one-line message for the user (never containing the
 * secret), with the exit code of {@linkcode UserError}.
 *
 * @module
 */

import { UserError } from "../config/errors.ts";

/** A portable-mode failure (`--put`, `--call`, the storage server's client side). */
export class PortableError extends UserError {
  constructor(message: string, exitCode = 1) {
    super(message, exitCode);
    this.name = "PortableError";
  }
}
