// Which journal a run writes, taken for this process alone: a new run's file, or on --resume the recorded
// run's, locked before it is read, its torn tail repaired, then replayed.
import type { TargetName } from '../contract/runbook.js';
import { journalPathFor, locateJournal, readJournal, repairTornTail } from './journal.js';
import { JournalLock } from './journal-lock.js';
import { type ReplayedRun, replayJournal } from './resume.js';
import { newRunId } from './steps.js';

export interface OpenedJournal {
  journalPath: string;
  runId: string;
  lock: JournalLock;
  replay?: ReplayedRun;
  /** Set when the recorded run's last line was torn and cut off before appending. */
  repairedTail?: { bytes: number };
}

export function openJournal(options: {
  resume?: string;
  journalPath?: string;
  dryRun?: boolean;
  target: TargetName;
}): OpenedJournal {
  if (!options.resume) {
    const runId = newRunId();
    const journalPath = journalPathFor(runId, options.journalPath);
    return { journalPath, runId, lock: JournalLock.acquire(journalPath) };
  }
  if (options.dryRun) {
    // A dry run's "skipped" steps appended to a real run's journal would undo its record of what passed.
    throw new Error(
      '--dry-run cannot continue a recorded run: drop --resume to preview, or --dry-run to resume',
    );
  }
  const journalPath = locateJournal(options.resume, options.journalPath);
  const lock = JournalLock.acquire(journalPath);
  try {
    const repaired = repairTornTail(journalPath);
    const replay = replayJournal(readJournal(journalPath));
    if (replay.target !== options.target) {
      throw new Error(
        `run ${replay.runId} was recorded against target ${replay.target}; resume it with --target ${replay.target}`,
      );
    }
    return {
      journalPath,
      runId: replay.runId,
      lock,
      replay,
      repairedTail: repaired && { bytes: repaired.bytes },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
