import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { ENTER, lineWith, makeRunbook, PAGE_DOWN, PAGE_UP, renderTui, TAB } from './test-utils.js';

/** An SGR foreground colour sequence (ESC [ 30–37 / 90–97 / 38;… m). */
const FOREGROUND_COLOR = new RegExp(`${String.fromCharCode(27)}\\[(3[0-8]|9[0-7])[;m]`);

let ui: ReturnType<typeof renderTui> | undefined;
afterEach(() => ui?.unmount());

const streaming =
  (lines: number) =>
  async ({ emit }: { emit: (b: never) => void }) => {
    emit({ type: 'action.started', step: 'stream', action: 0, kind: 'sh', preview: ['seq 1 5000'] } as never);
    for (let i = 1; i <= lines; i++) {
      emit({
        type: 'action.output',
        step: 'stream',
        action: 0,
        stream: 'stdout',
        line: `line ${i}`,
      } as never);
    }
    emit({
      type: 'action.finished',
      step: 'stream',
      action: 0,
      kind: 'sh',
      ok: true,
      summary: 'exit 0',
      durationMs: 1,
    } as never);
    return 'passed' as const;
  };

describe('layout', () => {
  it('fits 80x24 and grows with the terminal on resize', async () => {
    const runbook = makeRunbook(
      Array.from({ length: 40 }, (_, i) => ({ id: `step-${i + 1}`, title: `Step number ${i + 1}` })),
    );
    ui = renderTui({ runbook, columns: 80, rows: 24 });
    const small = await ui.waitFor(
      (f) => f.includes('Step number 1') && f.split('\n').every((l) => l.length <= 80),
      'an 80-column frame',
    );
    const smallLines = small.split('\n');
    expect(smallLines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...smallLines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(small).not.toContain('Step number 30');
    ui.resize(140, 50);
    const big = await ui.waitFor((f) => f.includes('Step number 30'), 'a taller step list');
    expect(big.split('\n').length).toBeLessThanOrEqual(50);
    expect(Math.max(...big.split('\n').map((l) => l.length))).toBeGreaterThan(100);
  });

  it('a dialog takes its rows from the panes: the frame still fits 80x24 with the footer', async () => {
    const runbook = makeRunbook([{ id: 'ask', title: 'Ask' }]);
    ui = renderTui({
      runbook,
      columns: 80,
      rows: 24,
      scripts: {
        ask: async ({ interaction, signal }) => {
          await interaction.ask(
            { step: 'ask', kind: 'choice', question: 'How?', choices: ['a', 'b', 'c'] },
            signal,
          );
          return 'passed';
        },
      },
    });
    await ui.start();
    await ui.press(ENTER);
    const frame = await ui.waitFor(
      (f) => f.includes('3. c') && f.split('\n').every((l) => l.length <= 80),
      'the dialog',
    );
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('? help');
    expect(frame).toContain('Steps');
  });

  it('wraps a long confirmation instead of cutting it, and the frame still fits 80x24', async () => {
    const runbook = makeRunbook([{ id: 'make', title: 'Make' }]);
    const message =
      'Provision three Sentinels: creates 3 droplets (s-1vcpu-1gb in nyc1) at $0.00893/hour each: $0.02679/hour, $18.00/month in total; adopts 0 existing';
    ui = renderTui({
      runbook,
      columns: 80,
      rows: 24,
      scripts: {
        make: async ({ interaction, signal }) => {
          await interaction.confirm({ step: 'make', safety: 'mutating', message }, signal);
          return 'passed';
        },
      },
    });
    await ui.start();
    await ui.press(ENTER);
    const frame = await ui.waitFor((f) => f.includes('Proceed? y/N'), 'the whole confirmation');
    expect(frame).toContain('$18.00/month');
    expect(frame).toMatch(/adopts 0\s+║?\s*║?\s*existing/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(frame).toContain('? help');
  });

  it('keeps the selected step visible in a long list', async () => {
    const runbook = makeRunbook(
      Array.from({ length: 60 }, (_, i) => ({ id: `s${i + 1}`, title: `Step ${i + 1}` })),
    );
    ui = renderTui({ runbook, columns: 80, rows: 24 });
    await ui.waitForText('Step 1');
    await ui.press(PAGE_DOWN, PAGE_DOWN, PAGE_DOWN);
    const selected = ui.store.getState().ui.selected;
    expect(selected).toBeGreaterThan(20);
    await ui.waitForText(`${selected + 1}. Step ${selected + 1}`);
  });

  it('shows a bounded window of streamed output, scrollable with PgUp/PgDn when focused', async () => {
    const runbook = makeRunbook([{ id: 'stream', title: 'Stream' }]);
    ui = renderTui({ runbook, scripts: { stream: streaming(5000) as never }, rows: 30 });
    await ui.start();
    await ui.press(ENTER);
    const frame = await ui.waitForText('line 5000');
    expect(frame).toContain('⋮ 4,994 earlier lines (3,000 no longer kept)');
    expect(frame).not.toContain('line 4990\n');
    const action = ui.store.getState().steps.stream?.actions[0];
    expect(action?.output.size).toBe(2000);
    await ui.press(TAB, TAB);
    expect(ui.store.getState().ui.focus).toBe('output');
    await ui.press(PAGE_UP);
    const scrolled = await ui.waitForText('newer lines (PgDn)');
    expect(scrolled).not.toContain('line 5000');
    await ui.press(PAGE_DOWN);
    await ui.waitForText('line 5000');
  });

  it('o expands the output window', async () => {
    const runbook = makeRunbook([{ id: 'stream', title: 'Stream' }]);
    ui = renderTui({ runbook, scripts: { stream: streaming(100) as never }, rows: 40 });
    await ui.start();
    await ui.press(ENTER);
    await ui.waitForText('line 100');
    expect(ui.frame()).not.toContain('line 90\n');
    const before = ui
      .frame()
      .split('\n')
      .filter((l) => /line \d+/.test(l)).length;
    await ui.press('o');
    await ui.waitFor(
      (f) => f.split('\n').filter((l) => /line \d+/.test(l)).length > before,
      'more output lines',
    );
  });

  it('shows the Sentinel event feed only for runbooks that talk to Sentinels', async () => {
    const plain = makeRunbook([{ id: 'a' }]);
    ui = renderTui({ runbook: plain });
    expect(await ui.waitForText('a')).not.toContain('Sentinel events');
    ui.unmount();
    const drill = makeRunbook([{ id: 'watch', actions: [{ kind: 'sentinel', body: 'SENTINEL MASTERS' }] }]);
    ui = renderTui({ runbook: drill, columns: 140 });
    await ui.start();
    await ui.waitForText('No Sentinel events yet.');
    ui.engine.emit({
      type: 'timeline',
      source: 'sentinel-1',
      name: '+switch-master',
      detail: 'mymaster 127.60.129.10 6379 127.60.129.11 6379',
      seenBy: ['sentinel-1', 'sentinel-2', 'sentinel-3'],
    });
    const frame = await ui.waitForText('+switch-master');
    // Seen by all three: "3/3", and the new master's address rather than the raw payload.
    expect(lineWith(frame, '+switch-master')).toMatch(
      /3\/3\s+\+switch-master → 127\.60\.129\.11:6379 \(was 127\.60\.129\.10:6379\)/,
    );
  });

  it('d shows a dry-run preview without running anything', async () => {
    const runbook = makeRunbook([{ id: 'p', actions: [{ kind: 'sh', id: 'hello', body: 'echo "$PORT"' }] }]);
    ui = renderTui({ runbook });
    await ui.start();
    await ui.press('d');
    const frame = await ui.waitForText('Dry run: what this step would do');
    expect(frame).toContain('[1] sh hello (safe)');
    expect(ui.engine.calls).toEqual([]);
  });

  it('shows the DRY RUN badge when the run is a dry run', async () => {
    ui = renderTui({ runbook: makeRunbook([{ id: 'a' }]) });
    ui.engine.emit({
      type: 'run.started',
      runId: 'r1',
      runbook: { file: 'x.md', title: 'Dry' },
      target: 'lab',
      dryRun: true,
      operator: 'tester',
      steps: [],
    });
    await ui.waitForText('DRY RUN');
  });

  it('uses no colour at all under NO_COLOR', async () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      ui = renderTui({ runbook: makeRunbook([{ id: 'a', safety: 'mutating' }]), theme: { color: false } });
      await ui.start();
      await ui.press(ENTER);
      await ui.waitForText('✓ 1. a');
      expect(ui.rawFrame()).not.toMatch(FOREGROUND_COLOR);
      ui.unmount();
      ui = renderTui({ runbook: makeRunbook([{ id: 'a' }]), theme: { color: true } });
      await ui.waitForText('1. a');
      expect(ui.rawFrame()).toMatch(FOREGROUND_COLOR);
    } finally {
      chalk.level = level;
    }
  });
});
