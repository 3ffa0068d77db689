/**
 * Failures of `apply_patch`, split the way upstream reports them to the model: a patch that does
 * not parse or does not match the files (`apply_patch verification failed: ...`), a patch the
 * sandbox policy refuses (`patch rejected: ...`), and a verified patch whose writes failed.
 *
 * @module
 */

/** Which stage refused the patch. */
export type ApplyPatchErrorKind = "verification" | "rejected" | "write";

/**
 * A patch that was not applied. `reason` is upstream's wording without the stage prefix; no file
 * was changed whatever the kind.
 */
export class ApplyPatchError extends Error {
  /** The stage that refused the patch. */
  readonly kind: ApplyPatchErrorKind;
  /** The reason, in upstream's words, without a prefix. */
  readonly reason: string;

  /**
   * @param kind the stage that refused the patch
   * @param reason upstream-worded reason (e.g. `Failed to find context 'x' in /a/b.txt`)
   */
  constructor(kind: ApplyPatchErrorKind, reason: string, options?: ErrorOptions) {
    super(prefixedMessage(kind, reason), options);
    this.name = "ApplyPatchError";
    this.kind = kind;
    this.reason = reason;
  }
}

function prefixedMessage(kind: ApplyPatchErrorKind, reason: string): string {
  switch (kind) {
    case "verification":
      return `apply_patch verification failed: ${reason}`;
    case "rejected":
      return `patch rejected: ${reason}`;
    case "write":
      return reason;
  }
}

/** Rust's `std::io::Error` texts for the errno values a patch can hit. */
const OS_ERRORS: Record<string, [number, string]> = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  EIO: [5, "Input/output error"],
  ENXIO: [6, "No such device or address"],
  EACCES: [13, "Permission denied"],
  EBUSY: [16, "Device or resource busy"],
  EEXIST: [17, "File exists"],
  EXDEV: [18, "Invalid cross-device link"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  EFBIG: [27, "File too large"],
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  ENAMETOOLONG: [36, "File name too long"],
  ELOOP: [40, "Too many levels of symbolic links"],
  EDQUOT: [122, "Disk quota exceeded"],
};

/**
 * The text upstream shows for a failed file operation (`No such file or directory (os error 2)`),
 * from a Deno error; falls back to the error's own message.
 */
export function ioErrorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code in OS_ERRORS) {
    const [errno, text] = OS_ERRORS[code];
    return `${text} (os error ${errno})`;
  }
  if (err instanceof Deno.errors.NotFound) return "No such file or directory (os error 2)";
  if (err instanceof Deno.errors.PermissionDenied) return "Permission denied (os error 13)";
  if (err instanceof TypeError && /encoded data was not valid/i.test(err.message)) {
    return "stream did not contain valid UTF-8";
  }
  return err instanceof Error ? err.message : String(err);
}
