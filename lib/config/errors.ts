/**
 * Errors that stop the program with a one-line message for the user (no stack trace).
 *
 * @module
 */

/** A user-facing error: `message` is one line that says what to do; `exitCode` defaults to 1. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** A problem with `config.toml`, a profile, a provider or the environment. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(message, 1);
    this.name = "ConfigError";
  }
}
