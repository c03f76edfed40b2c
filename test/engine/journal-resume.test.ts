import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/engine/journal.js';
import { secretsPathFor } from '../../src/engine/secrets.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  action,
  failed,
  leaveLockOfDeadProcess,
  ofType,
  ok,
  runbook,
  scriptedInteraction,
  startEngine,
  step,
  untilAborted,
  variable,
} from './fake-runbook.js';

describe('journal', () => {
  it('records every event as one JSON line with wall and monotonic time, in a 0600 file', async () => {
    const dir = tempDir();
    const { engine, events } = await startEngine({
      runbook: runbook([step('a', [action({ behave: () => ok() })])]),
      journalPath: dir,
    });
    await engine.runAll();
    await engine.finish();
    expect(engine.journalPath).toBe(join(dir, `${engine.runId}.jsonl`));
    expect(statSync(engine.journalPath).mode & 0o777).toBe(0o600);
    const journal = readJournal(engine.journalPath);
    expect(journal).toEqual(events);
    for (const event of journal) {
      expect(typeof event.t).toBe('number');
      expect(new Date(event.wall).toISOString()).toBe(event.wall);
    }
    expect(engine.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
  });

  it('writes to the exact file given with a .jsonl path and ignores a torn last line on reading', async () => {
    const path = join(tempDir(), 'drill.jsonl');
    const { engine } = await startEngine({
      runbook: runbook([step('a', [action({ behave: () => ok() })])]),
      journalPath: path,
    });
    await engine.runAll();
    await engine.finish();
    expect(engine.journalPath).toBe(path);
    const lines = readFileSync(path, 'utf8');
    const torn = join(tempDir(), 'torn.jsonl');
    writeFileSync(torn, `${lines}{"type":"step.sta`);
    expect(readJournal(torn)).toHaveLength(lines.trim().split('\n').length);
  });
});

describe('resume', () => {
  it('continues at the first step that did not pass, with earlier results and generated secrets restored', async () => {
    const dir = tempDir();
    const ran: string[] = [];
    let fixed = false;
    let secretSeen = '';
    const book = runbook(
      [
        step('create', [
          action(
            {
              behave: (ctx) => {
                ran.push('create');
                secretSeen = ctx.vars.token ?? '';
                return ok('', { ip: '127.60.1.5' });
              },
            },
            { id: 'nodes', safety: 'mutating' },
          ),
        ]),
        step('verify', [
          action({
            behave: (ctx) => {
              ran.push(`verify ${ctx.render('{{ nodes.ip }}')} ${ctx.vars.token === secretSeen}`);
              return fixed ? ok() : failed('not yet');
            },
          }),
        ]),
      ],
      [
        variable('token', { source: { kind: 'generate', length: 20 } }),
        variable('region', { default: 'ams3' }),
      ],
    );
    const first = await startEngine({ runbook: book, journalPath: dir, yes: true, vars: { region: 'fra1' } });
    expect(await first.engine.runAll()).toBe('failed');
    await first.engine.finish();
    const secretsFile = secretsPathFor(first.engine.journalPath);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.engine.journalPath, 'utf8')).not.toContain(secretSeen);

    fixed = true;
    const second = await startEngine({ runbook: book, journalPath: dir, resume: first.engine.runId });
    expect(second.engine.runId).toBe(first.engine.runId);
    expect(second.engine.state().steps.create).toBe('passed');
    // A driver that starts now (the TUI's store) learns which steps already passed from run.started.
    const started = second.events.find((event) => event.type === 'run.started');
    expect(started?.type === 'run.started' && started.steps.map((step) => step.status)).toEqual([
      'passed',
      undefined,
    ]);
    expect(await second.engine.runAll()).toBe('passed');
    expect(ran).toEqual(['create', 'verify 127.60.1.5 true', 'verify 127.60.1.5 true']);
    expect((second.engine.results().vars as Record<string, string>).region).toBe('fra1');
    await second.engine.finish();

    const journal = readJournal(first.engine.journalPath);
    expect(ofType(journal, 'run.started')).toHaveLength(2);
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    const finished = journal.at(-1);
    expect(finished?.type === 'run.finished' && finished.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
    ]);
  });

  it('never re-runs silently a mutating step the previous process left half-done', async () => {
    const dir = tempDir();
    let runs = 0;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const book = runbook([
      step('provision', [
        action(
          {
            behave: (ctx) => {
              runs++;
              if (runs > 1) return ok();
              started();
              return untilAborted(ctx);
            },
          },
          { safety: 'mutating' },
        ),
      ]),
    ]);
    // The first engine is left mid-step, as a killed process would leave its journal (and its lock).
    const first = await startEngine({ runbook: book, journalPath: dir, yes: true });
    const abandoned = first.engine.runAll();
    await running;
    leaveLockOfDeadProcess(first.engine.journalPath);

    const interaction = scriptedInteraction({ confirm: false });
    const second = await startEngine({
      runbook: book,
      journalPath: dir,
      resume: first.engine.journalPath,
      interaction,
    });
    expect(
      ofType(second.events, 'log')
        .map((e) => e.message)
        .join('\n'),
    ).toContain('"provision" started at');
    expect(await second.engine.runAll()).toBe('aborted');
    expect(runs).toBe(1);
    expect(interaction.confirms[0]?.message).toContain('it may have partly completed');
    // The operator said no; that process ends (and lets go of the journal) before the next resume.
    await second.engine.finish();

    const withYes = await startEngine({
      runbook: book,
      journalPath: dir,
      resume: first.engine.journalPath,
      yes: true,
    });
    expect(await withYes.engine.runAll()).toBe('passed');
    expect(runs).toBe(2);
    expect(
      ofType(withYes.events, 'log').some((e) => e.level === 'warn' && e.message.includes('because of --yes')),
    ).toBe(true);

    first.engine.abort();
    await abandoned;
  });

  it('refuses to resume against another target than the one the run used', async () => {
    const dir = tempDir();
    const { engine } = await startEngine({
      runbook: runbook([step('a', [action({ behave: () => ok() })])]),
      journalPath: dir,
    });
    await engine.finish();
    await expect(
      startEngine({ runbook: runbook([]), journalPath: dir, resume: engine.runId, target: 'digitalocean' }),
    ).rejects.toThrow(`run ${engine.runId} was recorded against target lab; resume it with --target lab`);
    await expect(
      startEngine({ runbook: runbook([]), journalPath: dir, resume: engine.runId, dryRun: true }),
    ).rejects.toThrow('--dry-run cannot continue a recorded run');
    await expect(
      startEngine({ runbook: runbook([]), journalPath: dir, resume: 'no-such-run' }),
    ).rejects.toThrow('no journal for run "no-such-run"');
  });
});

describe('resume with secrets', () => {
  it('restores a secret an earlier step published from the kept file, not the masked journal copy', async () => {
    const dir = tempDir();
    let seen = '';
    let second = false;
    const book = runbook([
      step('ask', [
        action({
          behave: (ctx) => {
            ctx.publish('vars.token', 'operator-typed-token', { secret: true });
            return ok();
          },
        }),
      ]),
      step('use', [
        action({
          behave: (ctx) => {
            seen = ctx.vars.token ?? '';
            return second ? ok() : failed('not yet');
          },
        }),
      ]),
    ]);
    const first = await startEngine({ runbook: book, journalPath: dir });
    await first.engine.runAll();
    await first.engine.finish();
    expect(readFileSync(first.engine.journalPath, 'utf8')).not.toContain('operator-typed-token');
    second = true;
    seen = '';
    const resumed = await startEngine({ runbook: book, journalPath: dir, resume: first.engine.runId });
    expect(await resumed.engine.runAll()).toBe('passed');
    expect(seen).toBe('operator-typed-token');
    await resumed.engine.finish();
  });
});

describe('generated values across runs', () => {
  it('a second run of the same runbook and target reuses the password the first one generated', async () => {
    const seen: string[] = [];
    const book = () =>
      runbook(
        [
          step('use', [
            action({
              behave: (ctx) => {
                seen.push(ctx.vars.password ?? '');
                return ok();
              },
            }),
          ]),
        ],
        [variable('password', { source: { kind: 'generate', length: 24 } })],
      );
    const journalPath = tempDir();
    for (const target of ['lab', 'lab', 'digitalocean'] as const) {
      const { engine } = await startEngine({ runbook: book(), journalPath, target });
      await engine.runAll();
      await engine.finish();
    }
    expect(seen[0]).toHaveLength(24);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).not.toBe(seen[0]);
    const stored = readdirSync(join(journalPath, 'generated'));
    expect(stored).toHaveLength(2);
    for (const file of stored)
      expect(statSync(join(journalPath, 'generated', file)).mode & 0o777).toBe(0o600);
  });
});
