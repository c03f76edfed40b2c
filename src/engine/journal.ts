// The journal: every event of a run as one JSON line, append-only, 0600, fsynced at step and run end.
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
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

export class JournalWriter {
  private fd: number | undefined;
  private closed = false;

  /** The file is created on the first event, so a run that fails before starting leaves nothing behind. */
  constructor(readonly path: string) {}

  append(event: EngineEvent): void {
    if (this.closed) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.fd = openSync(this.path, 'a', 0o600);
      // The mode argument only applies when the file is created (and is masked by umask): make sure.
      chmodSync(this.path, 0o600);
    }
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    this.closed = true;
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
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
