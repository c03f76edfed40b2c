// One writer per journal: a lock file beside it (<journal>.lock, created exclusively) names the holder's
// pid, host and start time. A second run or --resume on the same journal is refused, naming the holder;
// a lock whose process is gone (killed, machine rebooted) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export class JournalLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalLockedError';
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

const held = new Set<string>();
let exitHookInstalled = false;

/** A lock left behind by a process that died is no longer held; one on another host cannot be checked. */
function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string')
      return { pid: holder.pid, host: holder.host, since: String(holder.since ?? '?') };
  } catch {
    // Unreadable or half-written: treated as stale below, since no live holder wrote it completely.
  }
  return undefined;
}

export class JournalLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly holder: Holder,
    /** Set when a dead holder's lock was taken over (worth a line in the journal). */
    readonly tookOverFrom: Holder | undefined,
  ) {}

  static lockPathFor(journalPath: string): string {
    return `${journalPath}.lock`;
  }

  /** Takes the lock for journalPath or throws JournalLockedError naming the process that holds it. */
  static acquire(journalPath: string): JournalLock {
    const path = JournalLock.lockPathFor(journalPath);
    let stale: Holder | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx', 0o600);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && attempt === 0) {
          // The journal's folder does not exist yet (a first run): create it and try again.
          mkdirSync(dirname(journalPath), { recursive: true, mode: 0o700 });
          continue;
        }
        if (code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && isAlive(holder)) {
          const where =
            holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
          throw new JournalLockedError(
            `the journal ${journalPath} is in use by ${where} (since ${holder.since}): one run writes a journal at a time; wait for that run to end or stop it, then try again (if that process is not drillbook, remove ${path})`,
          );
        }
        stale = holder;
        rmSync(path, { force: true });
        continue;
      }
      const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, `${JSON.stringify(holder)}\n`);
      closeSync(fd);
      held.add(path);
      installExitHook();
      return new JournalLock(path, holder, stale);
    }
    throw new JournalLockedError(
      `could not take the lock ${path}: other processes keep taking it; try again`,
    );
  }

  /** Removes the lock file if it is still this process's (a takeover after a presumed death is not undone). */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.path);
    const current = readHolder(this.path);
    if (current?.pid === this.holder.pid && current.since === this.holder.since)
      rmSync(this.path, { force: true });
  }
}

/** A process that exits without closing its run (an uncaught error) must not leave its lock behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held) if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
  });
}
