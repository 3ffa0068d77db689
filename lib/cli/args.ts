/**
 * Command-line parsing with the behaviour, result shape and error messages of `node:util`'s
 * `parseArgs`, for the part of it our commands use, without importing a `node:` module (the first
 * one starts Deno's Node compatibility layer, ~16 ms on the start-up path).
 *
 * Supported: options of type `"string"` or `"boolean"` with `short` and `multiple`;
 * `--name=value`, `--name value`, `-n value`, `-nvalue`, groups `-ab`, the `--` terminator, a lone
 * `-` as a positional; `strict` (default true) and `allowPositionals` (default `!strict`). Not
 * supported: `default`, `tokens`, `allowNegative`. `tests/args_test.ts` compares results and error
 * messages with `node:util`'s on the option tables of our commands.
 *
 * @module
 */

/** One option of an options table. */
export interface OptionSpec {
  /** `"string"` takes a value; `"boolean"` does not. */
  readonly type: "string" | "boolean";
  /** A one-character alias used as `-x`. */
  readonly short?: string;
  /** Collect every use into an array instead of keeping the last. */
  readonly multiple?: boolean;
}

/** Long option names to their specs. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What {@linkcode parseArgs} parses. */
export interface ParseArgsConfig {
  /** The arguments, without the program and command names. */
  readonly args: readonly string[];
  /** The known options. */
  readonly options?: OptionTable;
  /** Whether non-option arguments are accepted (default: `!strict`). */
  readonly allowPositionals?: boolean;
  /** Whether unknown options and wrong values are errors (default: true). */
  readonly strict?: boolean;
}

type Scalar<S extends OptionSpec, Strict> = Strict extends false ? string | boolean
  : S["type"] extends "string" ? string
  : boolean;

type ValueOf<S extends OptionSpec, Strict> = S["multiple"] extends true ? Scalar<S, Strict>[]
  : Scalar<S, Strict>;

/** The `values` of a parse: one optional property per option of the table, typed by it. */
export type ParsedValues<C extends ParseArgsConfig> =
  & (C["strict"] extends false
    ? { [name: string]: string | boolean | (string | boolean)[] | undefined }
    : unknown)
  & (C["options"] extends OptionTable
    ? { -readonly [K in keyof C["options"]]?: ValueOf<C["options"][K], C["strict"]> }
    : Record<never, never>);

/** The result of {@linkcode parseArgs}. */
export interface ParsedArgs<C extends ParseArgsConfig> {
  /** Option values by long name (an object without a prototype, as node's). */
  values: ParsedValues<C>;
  /** The non-option arguments, in order. */
  positionals: string[];
}

/** node's error codes for the three kinds of bad command line. */
export type ParseArgsErrorCode =
  | "ERR_PARSE_ARGS_UNKNOWN_OPTION"
  | "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
  | "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL";

/** A bad command line; `message` is node's text for the same input, `code` node's code. */
export class ParseArgsError extends TypeError {
  /** node's error code. */
  readonly code: ParseArgsErrorCode;

  /** An error with node's `code` and `message`. */
  constructor(code: ParseArgsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function unexpectedPositional(arg: string): ParseArgsError {
  return new ParseArgsError(
    "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL",
    `Unexpected argument '${arg}'. This command does not take positional arguments`,
  );
}

function unknownOption(shown: string, allowPositionals: boolean): ParseArgsError {
  const hint = allowPositionals
    ? `. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- "${shown}"`
    : "";
  return new ParseArgsError("ERR_PARSE_ARGS_UNKNOWN_OPTION", `Unknown option '${shown}'${hint}`);
}

function invalidValue(message: string): ParseArgsError {
  return new ParseArgsError("ERR_PARSE_ARGS_INVALID_OPTION_VALUE", message);
}

/** Checks the table's shape (a programming error, so a plain `TypeError`). */
function checkTable(options: OptionTable): void {
  for (const [name, spec] of Object.entries(options)) {
    if (spec?.type !== "string" && spec?.type !== "boolean") {
      throw new TypeError(`options.${name}.type must be "string" or "boolean"`);
    }
    if (spec.short !== undefined && (typeof spec.short !== "string" || spec.short.length !== 1)) {
      throw new TypeError(`options.${name}.short must be a single character`);
    }
  }
}

/** Parses `config.args` against `config.options` as `node:util`'s `parseArgs` does. */
export function parseArgs<const C extends ParseArgsConfig>(config: C): ParsedArgs<C> {
  const options: OptionTable = config.options ?? {};
  const strict = config.strict ?? true;
  const allowPositionals = config.allowPositionals ?? !strict;
  checkTable(options);

  const specs = new Map<string, OptionSpec>(Object.entries(options));
  const longOf = new Map<string, string>();
  for (const [name, spec] of specs) {
    if (spec.short !== undefined && !longOf.has(spec.short)) longOf.set(spec.short, name);
  }
  const nameOfShort = (short: string) => longOf.get(short) ?? short;
  const takesValue = (name: string) => specs.get(name)?.type === "string";

  const values: Record<string, string | boolean | (string | boolean)[]> = Object.create(null);
  const positionals: string[] = [];

  /** In strict mode, a value that looks like an option probably means the value was forgotten. */
  const checkNotOptionLike = (name: string, value: string, shown: string) => {
    if (!strict || value.length < 2 || value[0] !== "-") return;
    const example = shown.length === 2 ? `'--${name}=-XYZ' or '${shown}-XYZ'` : `'--${name}=-XYZ'`;
    throw invalidValue(
      `Option '${shown}' argument is ambiguous.\n` +
        `Did you forget to specify the option argument for '${shown}'?\n` +
        `To specify an option argument starting with a dash use ${example}.`,
    );
  };

  /** Checks (in strict mode) and stores one use of option `name`, written as `shown`. */
  const use = (name: string, value: string | undefined, shown: string) => {
    const spec = specs.get(name);
    if (strict) {
      if (!spec) throw unknownOption(shown, allowPositionals);
      const label = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
      if (spec.type === "string" && value === undefined) {
        throw invalidValue(`Option '${label} <value>' argument missing`);
      }
      if (spec.type === "boolean" && value !== undefined) {
        throw invalidValue(`Option '${label}' does not take an argument`);
      }
    }
    if (name === "__proto__") return;
    const stored = value ?? true;
    if (!spec?.multiple) {
      values[name] = stored;
      return;
    }
    const list = values[name];
    if (Array.isArray(list)) list.push(stored);
    else values[name] = [stored];
  };

  const queue = [...config.args];
  while (queue.length > 0) {
    const arg = queue.shift() as string;

    if (arg === "--") {
      if (!allowPositionals && queue.length > 0) throw unexpectedPositional(queue[0]);
      positionals.push(...queue);
      break;
    }

    if (arg.length >= 2 && arg[0] === "-" && arg[1] !== "-") {
      const name = nameOfShort(arg[1]);
      if (arg.length === 2) {
        // -f, maybe followed by its value
        let value: string | undefined;
        if (takesValue(name) && queue.length > 0) {
          value = queue.shift() as string;
          checkNotOptionLike(name, value, arg);
        }
        use(name, value, arg);
      } else if (takesValue(name)) {
        // -fVALUE
        use(name, arg.slice(2), `-${arg[1]}`);
      } else {
        // -abc is -a -b -c; a value-taking option in the group takes the rest: -abfX is -a -b -fX
        const expanded: string[] = [];
        for (let i = 1; i < arg.length; i++) {
          if (takesValue(nameOfShort(arg[i]))) {
            expanded.push(`-${arg.slice(i)}`);
            break;
          }
          expanded.push(`-${arg[i]}`);
        }
        queue.unshift(...expanded);
      }
      continue;
    }

    if (arg.length > 2 && arg.startsWith("--")) {
      const eq = arg.indexOf("=", 3);
      if (eq === -1) {
        // --name, maybe followed by its value
        const name = arg.slice(2);
        let value: string | undefined;
        if (takesValue(name) && queue.length > 0) {
          value = queue.shift() as string;
          checkNotOptionLike(name, value, arg);
        }
        use(name, value, arg);
      } else {
        // --name=value
        const name = arg.slice(2, eq);
        use(name, arg.slice(eq + 1), `--${name}`);
      }
      continue;
    }

    if (!allowPositionals) throw unexpectedPositional(arg);
    positionals.push(arg);
  }

  return { values: values as ParsedValues<C>, positionals };
}
