// The event feed in the TUI at 80×24, fed the timeline of a real crash failover (recorded in a lab run):
// whole lines that say who saw what, ↑/↓ scrolling the feed (not the steps) when it has focus, a scrolled
// feed keeping its place as events arrive, and the full-screen log.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../src/drill/feed-line.js';
import { ARROW_DOWN, ARROW_UP, lineWith, makeRunbook, renderTui, TAB } from './test-utils.js';

const { entries } = JSON.parse(
  readFileSync(new URL('../../fixtures/drill/failover-feed.json', import.meta.url), 'utf8'),
) as { entries: FeedEntry[] };

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const runbook = makeRunbook([
  { id: 'watch', title: 'Watch the failover', actions: [{ kind: 'sentinel', body: 'SENTINEL MASTERS' }] },
  { id: 'answer', title: 'The answer to the exercise', explanation: 'SPOILER: the replica became master' },
]);

function emitAll(tui: ReturnType<typeof renderTui>, list: FeedEntry[]) {
  for (const { t, ...entry } of list) tui.engine.emit({ type: 'timeline', ...entry, at: t });
}

describe('event feed', () => {
  it('at 80 columns each line keeps who saw it and the new master whole, and follows the newest', async () => {
    const tui = renderTui({ runbook, columns: 80, rows: 24 });
    cleanup = tui.unmount;
    emitAll(tui, entries);
    const frame = await tui.waitForText('+switch-master');
    expect(lineWith(frame, '+switch-master')).toMatch(
      / 11\.49s 3\/3 {10}\+switch-master → 127\.83\.0\.11:6379 /,
    );
    expect(frame.split('\n').every((line) => line.length <= 80)).toBe(true);
    // The newest entry is on screen: the feed follows.
    expect(lineWith(frame, '+slave')).toContain('replica 127.83.0.10:6379 of 127.83.0.11:6379');
  });

  it('with the feed focused, ↑/↓ scroll it, not the step list; a scrolled feed keeps its place', async () => {
    const tui = renderTui({ runbook, columns: 80, rows: 24 });
    cleanup = tui.unmount;
    emitAll(tui, entries.slice(0, 20));
    await tui.waitForText('+failover-state-wait-promotion');
    await tui.press(TAB, TAB, TAB);
    await tui.waitForState((s) => s.ui.focus === 'feed', 'the feed focused');
    await tui.press(ARROW_UP, ARROW_UP, ARROW_UP);
    await tui.waitForState((s) => s.ui.scroll.feed === 3, 'the feed scrolled 3 lines back');
    expect(tui.store.getState().ui.selected).toBe(0);
    const scrolled = await tui.waitForText('3 newer — scroll down to follow');
    expect(scrolled).not.toContain('SPOILER');

    emitAll(tui, entries.slice(20));
    await tui.waitForState((s) => s.timeline.size === 24, 'the last 4 events');
    await tui.waitForState((s) => s.ui.scroll.feed === 7, 'the place kept as 4 events arrive');
    expect(tui.frame()).not.toContain('+switch-master');
    await tui.press(ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN, ARROW_DOWN);
    await tui.waitForText('+switch-master');
    expect(tui.store.getState().ui.scroll.feed).toBe(0);
  });

  it('e opens the full log with every detail; e goes back', async () => {
    const tui = renderTui({ runbook, columns: 80, rows: 24 });
    cleanup = tui.unmount;
    emitAll(tui, entries);
    await tui.waitForText('+switch-master');
    await tui.press('e');
    const full = await tui.waitForText('full log');
    // The whole main area, long lines wrapped instead of cut: more events than the 5-row pane, every word kept.
    expect(full.split('\n').filter((line) => /\d+\.\d\ds /.test(line)).length).toBeGreaterThan(5);
    const text = full.replace(/[┃│]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      '+switch-master mymaster 127.83.0.10 6379 127.83.0.11 6379 · seen by sentinel-2 +0ms, sentinel-3 +',
    );
    await tui.press('e');
    await tui.waitFor((f) => !f.includes('e: back') && f.includes('Watch the failover'), 'the panes back');
  });
});
