// Errors from the operating system (EPERM, EACCES, EEXIST, ENOSPC …) reach the operator with what to do
// next, not as a bare code: the path involved and the usual way out.

const HINTS: Record<string, (path: string) => string> = {
  EACCES: (path) =>
    `permission denied on ${path}: check its owner and mode, or choose another place (--journal DIR, --out FILE)`,
  EPERM: (path) =>
    `the operation on ${path} is not permitted: it needs another owner or root (the lab's network setup runs as root), or choose another place (--journal DIR, --out FILE)`,
  EEXIST: (path) => `${path} already exists: remove or rename it, or choose another path`,
  ENOSPC: (path) => `no space left on the device holding ${path}: free some space and try again`,
  EROFS: (path) => `${path} is on a read-only file system: choose another place (--journal DIR, --out FILE)`,
  ENOTDIR: (path) => `a part of ${path} is a file, not a folder: fix the path`,
  EISDIR: (path) => `${path} is a folder where a file was expected: name a file`,
};

/** The message to show for error: the original one, with a hint when the system said why. */
export function explainError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  const hint = code ? HINTS[code] : undefined;
  if (!hint) return error.message;
  return `${error.message}\n  hint: ${hint(dest ?? path ?? 'the path')}`;
}
