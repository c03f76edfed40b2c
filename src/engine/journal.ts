// The journal: every event of a run as one JSON line, append-only, 0600, fsynced at step and run end.
import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { EngineEvent } from '../contract/events.js';

/** $XDG_STATE_HOME/drillbook/runs, or ~/.local/state/drillbook/runs when XDG_STATE_HOME is unset. */
export function defaultJournalDir(): string {
  const stateHome = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(stateHome, 'drillbook', 'runs');
}

/**
 * Where a run's journal goes. `--journal PATH` is a file when it ends in .jsonl, otherwise a directory
 * that receives <runId>.jsonl.
 */
export function journalPathFor(runId: string, journalOption?: string): string {
  if (journalOption && extname(journalOption) === '.jsonl') return resolve(journalOption);
  return join(resolve(journalOption ?? defaultJournalDir()), `${runId}.jsonl`);
}

/**
 * Finds the journal for `--resume RUN` or `drillbook report RUN`: an existing file path, or a run id
 * looked up in the journal directory.
 */
export function locateJournal(runOrPath: string, journalOption?: string): string {
  if (existsSync(runOrPath) && statSync(runOrPath).isFile()) return resolve(runOrPath);
  const dir =
    journalOption && extname(journalOption) !== '.jsonl'
      ? resolve(journalOption)
      : journalOption
        ? dirname(resolve(journalOption))
        : defaultJournalDir();
  const candidate = join(dir, `${basename(runOrPath, '.jsonl')}.jsonl`);
  if (existsSync(candidate)) return candidate;
  throw new Error(
    `no journal for run "${runOrPath}": neither a file of that name nor ${candidate} exists` +
      ` (pass the journal's path, or --journal DIR where the run was recorded)`,
  );
}

/** Raised (once) when the journal cannot be written: the run must stop, since nothing after is recorded. */
export class JournalWriteError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `the journal ${path} cannot be written (${reason}): the run is stopped so that nothing happens unrecorded; fix the cause (disk space, permissions, the file was removed), then continue with --resume`,
    );
    this.name = 'JournalWriteError';
  }
}

/** How often, at most, the writer checks that its file is still the journal (not deleted or replaced). */
const IDENTITY_CHECK_MS = 200;

export class JournalWriter {
  private fd: number | undefined;
  private closed = false;
  private identity: { dev: number; ino: number } | undefined;
  private lastIdentityCheck = 0;
  /** Set once a write failed; later events are not written (the caller stops the run). */
  failure: JournalWriteError | undefined;
  /** Called once, with the first failure. */
  onFailure: ((error: JournalWriteError) => void) | undefined;

  /** The file is created on the first event, so a run that fails before starting leaves nothing behind. */
  constructor(readonly path: string) {}

  append(event: EngineEvent): void {
    if (this.closed || this.failure) return;
    this.guard(() => {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
        this.fd = openSync(this.path, 'a', 0o600);
        // The mode argument only applies when the file is created (and is masked by umask): make sure.
        chmodSync(this.path, 0o600);
        const { dev, ino } = fstatSync(this.fd);
        this.identity = { dev, ino };
      }
      this.checkIdentity(event.type === 'step.started' || event.type === 'run.finished');
      writeSync(this.fd, `${JSON.stringify(event)}\n`);
    });
  }

  sync(): void {
    if (this.fd === undefined || this.failure) return;
    this.guard(() => {
      fsyncSync(this.fd as number);
      this.checkIdentity(true);
    });
  }

  close(): void {
    this.closed = true;
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (!this.failure) fsyncSync(fd);
    } catch (error) {
      this.fail(error);
    } finally {
      closeSync(fd);
    }
  }

  private guard(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure =
      error instanceof JournalWriteError
        ? error
        : new JournalWriteError(this.path, error instanceof Error ? error.message : String(error));
    this.onFailure?.(this.failure);
  }

  /** Writes to a deleted (or replaced) file succeed and vanish: notice it, at least every 200 ms and at step edges. */
  private checkIdentity(now: boolean): void {
    if (!this.identity) return;
    const time = performance.now();
    if (!now && time - this.lastIdentityCheck < IDENTITY_CHECK_MS) return;
    this.lastIdentityCheck = time;
    let current: { dev: number; ino: number } | undefined;
    try {
      current = statSync(this.path);
    } catch {
      current = undefined;
    }
    if (!current || current.dev !== this.identity.dev || current.ino !== this.identity.ino) {
      throw new JournalWriteError(this.path, 'the file was deleted or replaced while the run was writing it');
    }
  }
}

/**
 * A process killed in the middle of a write leaves a torn last line. Before a resumed run appends, the tail
 * is cut back to the last complete line (or a complete line missing only its newline gets it), so the next
 * event never fuses with the fragment. Returns what was cut, for the journal to record.
 */
export function repairTornTail(path: string): { bytes: number; fragment: string } | undefined {
  const text = readFileSync(path);
  if (text.length === 0 || text[text.length - 1] === 0x0a) return undefined;
  const lastNewline = text.lastIndexOf(0x0a);
  const tail = text.subarray(lastNewline + 1).toString('utf8');
  try {
    JSON.parse(tail);
    appendFileSync(path, '\n');
    return undefined;
  } catch {
    truncateSync(path, lastNewline + 1);
    // Only the start, without values: the fragment may hold anything, and it is mentioned in the journal.
    return { bytes: text.length - lastNewline - 1, fragment: tail.slice(0, 40).replace(/"[^"]*"?/g, '"…"') };
  }
}

/**
 * Reads a journal. A process killed mid-write can leave a torn last line: it is dropped, as it was never
 * durable. Any other unreadable line is an error naming the line.
 */
export function readJournal(path: string): EngineEvent[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const events: EngineEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      const isLast = lines.slice(i + 1).every((rest) => rest.trim() === '');
      if (isLast) break;
      throw new Error(
        `${path}:${i + 1}: not a journal line (invalid JSON); was this file written by drillbook?`,
      );
    }
  }
  if (events.length === 0 || events[0]?.type !== 'run.started') {
    throw new Error(`${path}: not a drillbook journal (it does not start with a run.started event)`);
  }
  return events;
}
