import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/engine/journal.js';
import { renderMarkdownReport, summarizeRun } from '../../src/engine/report.js';
import { tempDir } from '../helpers/temp-dir.js';
import { action, ok, runbook, scriptedInteraction, startEngine, step, untilAborted } from './fake-runbook.js';

describe('run report from the journal', () => {
  it('summarizes steps, checks, prompts with their times, and a run cut off mid-step', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const book = runbook([
      step('verify', [
        action({
          behave: async (ctx) => {
            await ctx.interaction.ask(
              { step: 'verify', kind: 'checklist', question: 'Page the on-call' },
              ctx.signal,
            );
            return {
              ok: true,
              summary: '1/2 checks held',
              checks: [
                {
                  ok: true,
                  description: 'redis-1 role',
                  expected: 'master',
                  actual: 'master',
                  where: 'redis-1',
                },
                { ok: false, description: 'redis-2 link', expected: 'up', actual: 'down' },
              ],
            };
          },
        }),
      ]),
      step('failover', [
        action({
          behave: (ctx) => {
            started();
            return untilAborted(ctx);
          },
        }),
      ]),
      step('never', [action({ behave: () => ok() })]),
    ]);
    const interaction = scriptedInteraction({ values: { 'Page the on-call': 'done' } });
    const { engine } = await startEngine({ runbook: book, interaction, journalPath: tempDir() });
    const run = engine.runAll();
    await running;

    const summary = summarizeRun(readJournal(engine.journalPath));
    expect(summary.status).toBeUndefined();
    expect(summary.steps.map((s) => s.status)).toEqual(['passed', 'running', 'pending']);
    expect(summary.steps[1]?.error).toContain('interrupted');
    expect(summary.interactions).toEqual([
      expect.objectContaining({
        step: 'verify',
        kind: 'checklist',
        question: 'Page the on-call',
        answer: 'done',
      }),
    ]);
    const markdown = renderMarkdownReport(summary);
    expect(markdown).toContain('| Status | **interrupted (no run.finished in the journal)** |');
    expect(markdown).toContain('- ✗ check redis-2 link: expected up, actual down');
    expect(markdown).toContain('| 1 | Step verify | safe | passed |');
    expect(markdown).toMatch(
      /\| \d{4}-\d\d-\d\dT[\d:.]+Z \| verify \| checklist \| Page the on-call \| done \|/,
    );

    engine.abort();
    await run;
    await engine.finish();
    const finished = summarizeRun(readJournal(engine.journalPath));
    expect(finished.status).toBe('aborted');
    expect(finished.operators).toEqual(['tester']);
  });
});
