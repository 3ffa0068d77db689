/**
 * The few libc calls a pseudo-terminal needs, bound through Deno FFI (Linux, glibc).
 *
 * Blocking waits (`poll`) run as nonblocking FFI calls on Deno's blocking thread pool, so the
 * event loop never stalls; everything else is a quick synchronous call.
 *
 * @module
 */

/** The FFI symbol table of {@linkcode openLibc}. */
export const LIBC_SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  grantpt: { parameters: ["i32"], result: "i32" },
  unlockpt: { parameters: ["i32"], result: "i32" },
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
} as const;

/** An opened libc with the symbols above. Close it once nothing uses it any more. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;

/** `open(2)` flags. */
export const O_RDWR = 0o2;
/** Do not make the opened terminal our controlling terminal. */
export const O_NOCTTY = 0o400;
/** Reads and writes never block (waits go through `poll`). */
export const O_NONBLOCK = 0o4000;
/** Not inherited by children we spawn. */
export const O_CLOEXEC = 0o2000000;

/** `poll(2)` event bits. */
export const POLLIN = 0x1;
/** Writable without blocking. */
export const POLLOUT = 0x4;
/** Error condition. */
export const POLLERR = 0x8;
/** Hang up: every slave side of the terminal is closed. */
export const POLLHUP = 0x10;
/** The descriptor is not open. */
export const POLLNVAL = 0x20;

/** `ioctl` request setting a terminal's window size (Linux). */
export const TIOCSWINSZ = 0x5414n;

/** Opens glibc's shared library. Throws a clear error when FFI is unavailable. */
export function openLibc(): Libc {
  try {
    return Deno.dlopen("libc.so.6", LIBC_SYMBOLS);
  } catch (err) {
    throw new Error(
      `cannot load libc.so.6 for a pseudo-terminal (${
        (err as Error).message
      }); run with --allow-ffi on Linux/glibc, or use tty: false`,
    );
  }
}

/** A NUL-terminated copy of `s` for C string parameters. */
export function cString(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s + "\0");
}
