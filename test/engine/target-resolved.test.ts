// target.resolved tells the header and the report which lab mode a run used. The DigitalOcean target is
// resolved before the run starts (its token must be redacted from the first event on), yet a journal starts
// with run.started: the event follows it, and --resume can read the journal.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/engine/journal.js';
import { tempDir } from '../helpers/temp-dir.js';
import { action, ok, runbook, startEngine, step } from './fake-runbook.js';

describe('target.resolved', () => {
  it('follows run.started in the journal when the target was resolved before the run started', async () => {
    const journalPath = tempDir();
    const { engine, events } = await startEngine({
      runbook: runbook([step('a', [action({ behave: () => ok() })])]),
      target: 'digitalocean',
      resolveTarget: async () => ({
        name: 'digitalocean',
        apiUrl: 'http://127.0.0.1:1/v2',
        token: 'do-token',
      }),
      journalPath,
    });
    await engine.finish();
    expect(events.map((e) => e.type).slice(0, 2)).toEqual(['run.started', 'target.resolved']);
    const [file] = readdirSync(journalPath).filter((name) => name.endsWith('.jsonl'));
    const journal = readJournal(join(journalPath, file as string));
    expect(journal[0]?.type).toBe('run.started');
    expect(journal[1]).toMatchObject({ type: 'target.resolved', target: 'digitalocean' });
    expect(journal.filter((e) => e.type === 'target.resolved')).toHaveLength(1);
  });

  it('is emitted once, with the lab mode, when a step first needs the lab', async () => {
    const { engine, events } = await startEngine({
      runbook: runbook([
        step('a', [
          action({
            behave: async (ctx) => {
              await ctx.target();
              return ok();
            },
          }),
        ]),
      ]),
      resolveTarget: async () => ({
        name: 'lab',
        apiUrl: 'http://127.0.0.1:1/v2',
        token: 'lab-token',
        lab: { stateDir: '/nonexistent', mode: 'container' },
      }),
    });
    expect(events.some((e) => e.type === 'target.resolved')).toBe(false);
    await engine.runAll();
    await engine.finish();
    expect(events.filter((e) => e.type === 'target.resolved')).toEqual([
      expect.objectContaining({ target: 'lab', labMode: 'container' }),
    ]);
  });
});
