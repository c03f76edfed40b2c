// The results card and the timeline chart, drawn from probe results recorded in a real lab run of the
// training runbook (fixtures/drill/training-drills.json): exact frames, so a change in layout is seen.
import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrillResult } from '../../src/drill/report.js';
import { ThemeContext } from '../../src/ui/theme.js';
import { DrillChart, DrillResultsView } from '../../src/ui/views/DrillResultsView.js';
import { DrillsCompareView } from '../../src/ui/views/DrillsCompareView.js';

const recorded = JSON.parse(
  readFileSync(new URL('../../fixtures/drill/training-drills.json', import.meta.url), 'utf8'),
) as { drills: DrillResult[] };
const drill = (probe: string): DrillResult => {
  const found = recorded.drills.find((d) => d.probe === probe);
  if (!found) throw new Error(`fixture has no probe ${probe}`);
  return found;
};

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function frame(element: ReactElement, color = false): string {
  const rendered = render(<ThemeContext.Provider value={{ color }}>{element}</ThemeContext.Provider>);
  unmount = rendered.unmount;
  return rendered.lastFrame() ?? '';
}

describe('drill results card', () => {
  it('a crash at 80 columns (46 for the result): figures, chart, phase markers on the time axis', () => {
    expect(frame(<DrillResultsView data={drill('crash')} width={46} />)).toBe(
      [
        '',
        'Drill results — failed over',
        'RTO               2.29 s fault → writes again',
        'Unavailable       2.29 s (longest gap 2.3 s)',
        'Acked writes lost 0 · old master acked 0 after',
        '                   the fault',
        'Latency p50/p99   0.4 ms / 8.1 ms',
        'Master            127.83.0.10:6379 →',
        '                  127.83.0.11:6379',
        'Writes            267: 38 acked, 229 failed, 0',
        '                   unknown',
        '',
        'writes/100 ms  ━ acked ━ not acked',
        '  10 ┼╭─────────────────────╮──╮',
        '   8 ┼╯                     │  ╰',
        '   6 ┤                      │',
        '   4 ┤                      │',
        '   2 ┼╮                     ╰╮',
        '   0 ┤╰─────────────────────╯╰──',
        '     F         soL         PR',
        '                           M',
        '     -26 ms              +2.67 s',
        'F fault (power_off) 0 · s +sdown +1.05 s',
        'o +odown +1.14 s · L +elected-leader +1.23 s',
        'P +promoted-slave +2.21 s',
        'M +switch-master +2.26 s',
        'R probe recovered +2.29 s',
      ].join('\n'),
    );
  });

  it('a forced failover: acknowledged writes lost, and the old master acknowledged them after the fault', () => {
    const shown = frame(<DrillResultsView data={drill('forced')} width={70} />);
    expect(shown).toContain('Acked writes lost 103 · old master acked 119 after the fault');
    expect(shown).toContain('Unavailable       30 ms (longest gap 73 ms)');
    expect(shown).toContain('RTO               1.22 s fault → writes again');
  });

  it('the chart keeps the failover window of a long probe and says so', () => {
    expect(frame(<DrillChart data={drill('hang')} width={46} />)).toBe(
      [
        'writes/200 ms  ━ acked ━ not acked (zoomed)',
        '  35 ┼              ╭╮',
        '  28 ┤              ││        ╭',
        '  21 ┤╭───────────╮ ││╭──────╮│',
        '  14 ┼╯           │╮││╯      ╰╯',
        '   7 ┤            ╰╮│╰╮',
        '   0 ┼────────────╯╰╯╯╰────────',
        '     F       so     P',
        '              L     M',
        '                    R',
        '     -40 ms             +5.16 s',
        'F fault (freeze) 0 · s +sdown +1.65 s',
        'o +odown +1.78 s · L +elected-leader +1.83 s',
        'P +promoted-slave +3.05 s',
        'M +switch-master +3.05 s',
        'R probe recovered +3.15 s',
      ].join('\n'),
    );
  });

  it('colours the acknowledged line green and the failed one red, and none with NO_COLOR', () => {
    const coloured = frame(<DrillChart data={drill('crash')} width={46} />, true);
    expect(coloured).toContain('\u001B[32m');
    expect(coloured).toContain('\u001B[31m');
    expect(stripAnsi(coloured)).toContain('writes/100 ms');
    expect(frame(<DrillChart data={drill('crash')} width={46} />)).not.toContain('\u001B[');
  });

  it('a probe result without a series (older journal) says so instead of drawing an empty chart', () => {
    const { series: _dropped, ...older } = drill('crash');
    expect(frame(<DrillChart data={older} width={46} />)).toBe('No write series recorded for this probe.');
  });
});

describe('drills side by side', () => {
  it('a table of the three drills, then each chart', () => {
    const shown = frame(<DrillsCompareView drills={recorded.drills} width={70} />);
    const lines = shown.split('\n');
    expect(lines.slice(1, 5)).toEqual([
      'drill   RTO     unavail.  lost  old acked  p99',
      'crash   2.29 s  2.29 s    0     0          8.1 ms',
      'hang    3.15 s  3.13 s    21    21         313 ms',
      'forced  1.22 s  30 ms     103   119        10 ms',
    ]);
    expect(shown).toContain('crash: power_off');
    expect(shown).toContain('forced: SENTINEL FAILOVER');
    expect(shown.match(/━ acked ━ not acked/g)).toHaveLength(3);
  });
});
