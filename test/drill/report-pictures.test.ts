// report.md with pictures: each drill's failover phases as a Mermaid sequence diagram (validated with
// mermaid's own parser, which runs in Node for sequence diagrams) and an SVG chart written beside the
// report (parsed as XML), from probe results recorded in a real lab run of the training runbook.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, type Document } from '@xmldom/xmldom';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { writeReportsBeside } from '../../src/commands/report.js';
import type { EngineEvent, EngineEventBody } from '../../src/contract/events.js';
import { failoverSequence } from '../../src/drill/mermaid.js';
import type { DrillResult } from '../../src/drill/report.js';
import { drillChartSvg } from '../../src/drill/svg-chart.js';
import { tempDir } from '../helpers/temp-dir.js';

const recorded = JSON.parse(
  readFileSync(new URL('../../fixtures/drill/training-drills.json', import.meta.url), 'utf8'),
) as { drills: DrillResult[] };

const dir = tempDir('drillbook-report-pictures-');

function parseXml(text: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') problems.push(message);
    },
  }).parseFromString(text, 'image/svg+xml');
  if (problems.length > 0) throw new Error(`invalid SVG: ${problems.join('; ')}`);
  return doc;
}

let seq = 0;
const stamp = (body: EngineEventBody, t: number): EngineEvent =>
  ({ ...body, seq: ++seq, t, wall: new Date(1_800_000_000_000 + t).toISOString() }) as EngineEvent;

function journalOf(drills: DrillResult[]): string {
  const events: EngineEvent[] = [
    stamp(
      {
        type: 'run.started',
        runId: 'r1',
        runbook: { file: 'training-lab.md', title: 'Training' },
        target: 'lab',
        dryRun: false,
        operator: 'robin',
        steps: drills.map((d) => ({ id: d.step, title: `Drill ${d.probe}`, safety: 'safe' as const })),
      },
      0,
    ),
  ];
  for (const { step, probe, ...data } of drills) {
    events.push(
      stamp({ type: 'step.started', step }, 1),
      stamp(
        {
          type: 'action.finished',
          step,
          action: 0,
          kind: 'probe',
          ok: true,
          summary: `probe ${probe}: done`,
          durationMs: 5,
          data,
          view: { kind: 'probe', probe, result: data },
        },
        2,
      ),
      stamp({ type: 'step.finished', step, status: 'passed', durationMs: 5 }, 3),
    );
  }
  events.push(stamp({ type: 'run.finished', status: 'passed', durationMs: 10, steps: [] }, 10));
  const path = join(dir, 'r1.jsonl');
  writeFileSync(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return path;
}

describe('report pictures', () => {
  it('each drill is a Mermaid sequence diagram that mermaid parses, naming the phases with their times', async () => {
    for (const drill of recorded.drills) {
      const diagram = failoverSequence(drill);
      await expect(mermaid.parse(diagram)).resolves.toMatchObject({ diagramType: 'sequence' });
      expect(diagram).toContain(`participant M as master before ${drill.master_before}`);
    }
    const crash = failoverSequence(recorded.drills[0] as DrillResult);
    expect(crash).toContain('S->>M: +sdown (first Sentinel) after 1.05 s');
    expect(crash).toContain('C->>N: first acknowledged write (RTO) after 2.29 s');
    const forced = failoverSequence(recorded.drills[2] as DrillResult);
    expect(forced).toContain('Note over S: no +sdown (first Sentinel)');
    expect(forced).toContain(
      'Note over M: 119 writes acknowledged here after the fault, 103 acknowledged writes lost',
    );
  });

  it('the Mermaid check can fail: a diagram with a broken line is rejected', async () => {
    const broken = failoverSequence(recorded.drills[0] as DrillResult).replace('S->>M:', 'S->>>');
    await expect(mermaid.parse(broken)).rejects.toThrow();
  });

  it('free text cannot break the diagram: ; and # in a fault detail are dropped', async () => {
    const drill = { ...(recorded.drills[0] as DrillResult) };
    drill.phases = { ...drill.phases, fault: { name: 'sh', detail: 'kill -9 $(pidof x); echo #1', at: 0 } };
    const diagram = failoverSequence(drill);
    expect(diagram).toContain('Note over C,N: fault sh: kill -9 $(pidof x) echo 1');
    await expect(mermaid.parse(diagram)).resolves.toBeTruthy();
  });

  it('the SVG chart is well-formed SVG with both write lines and a marker per phase', () => {
    const svg = drillChartSvg('Probe crash: writes over time', recorded.drills[0] as DrillResult);
    const doc = parseXml(svg ?? '');
    expect(doc.documentElement?.nodeName).toBe('svg');
    expect(doc.documentElement?.getAttribute('width')).toBe('900');
    const texts = Array.from(doc.getElementsByTagName('text')).map((node) => node.textContent ?? '');
    for (const label of [
      '+sdown',
      '+odown',
      '+elected-leader',
      '+promoted-slave',
      '+switch-master',
      'probe recovered',
    ]) {
      expect(texts).toContain(label);
    }
    expect(texts).toContain('acknowledged');
    expect(doc.getElementsByTagName('path').length).toBeGreaterThan(10);
    // The check can fail: a cut-off file is not SVG.
    expect(() => parseXml((svg ?? '').slice(0, -20))).toThrow();
  });

  it('writeReportsBeside writes one SVG per drill next to the report (0600) and links it from report.md', async () => {
    const markdownPath = writeReportsBeside(journalOf(recorded.drills));
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'r1.drill-crash.svg',
      'r1.drill-forced.svg',
      'r1.drill-hang.svg',
      'r1.jsonl',
      'r1.report.json',
      'r1.report.md',
    ]);
    expect(statSync(join(dir, 'r1.drill-crash.svg')).mode & 0o777).toBe(0o600);
    const markdown = readFileSync(markdownPath, 'utf8');
    expect(markdown).toContain(
      '![Writes over time with the failover phases, probe crash](r1.drill-crash.svg)',
    );
    const blocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] as string);
    expect(blocks).toHaveLength(3);
    for (const block of blocks) await expect(mermaid.parse(block)).resolves.toBeTruthy();
    for (const name of files.filter((f) => f.endsWith('.svg')))
      parseXml(readFileSync(join(dir, name), 'utf8'));
    const json = JSON.parse(readFileSync(join(dir, 'r1.report.json'), 'utf8'));
    expect(json.drills[0].series).toEqual(recorded.drills[0]?.series);
  });
});
