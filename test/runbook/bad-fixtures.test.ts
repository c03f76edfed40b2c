// Every broken runbook in fixtures/bad-runbooks reports exactly the diagnostics its `<!-- expect: ... -->`
// lines name: same line:col, same severity, message containing the expected text — both with the test's
// fake kinds and with the real registry (what `drillbook check` uses).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import { type Diagnostic, formatDiagnostic } from '../../src/contract/runbook.js';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const DIR = 'fixtures/bad-runbooks';
const EXPECT = /<!-- expect: (\d+):(\d+) (warning: )?(.*?) -->/g;

interface Expectation {
  line: number;
  column: number;
  severity: Diagnostic['severity'];
  text: string;
}

function expectations(source: string): Expectation[] {
  return [...source.matchAll(EXPECT)].map((m) => ({
    line: Number(m[1]),
    column: Number(m[2]),
    severity: m[3] ? 'warning' : 'error',
    text: m[4] as string,
  }));
}

function matches(d: Diagnostic, e: Expectation): boolean {
  return (
    d.line === e.line && d.column === e.column && d.severity === e.severity && d.message.includes(e.text)
  );
}

const fixtures = readdirSync(DIR).filter((name) => name.endsWith('.md'));

const registries = [
  ['fake kinds', fakeKinds],
  ['real registry', actionKinds],
] as const;

describe.each(registries)('bad runbook fixtures with %s', (_name, kinds) => {
  it('covers every error class with at least one fixture', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of fixtures) {
    it(name, () => {
      const path = join(DIR, name);
      const source = readFileSync(path, 'utf8');
      const expected = expectations(source);
      expect(expected.length, `${name} has no <!-- expect: --> lines`).toBeGreaterThan(0);
      const { runbook, diagnostics } = parseRunbookWith(source, path, kinds);
      expect(runbook).toBeUndefined();
      const unexpected = diagnostics.filter((d) => !expected.some((e) => matches(d, e)));
      const missing = expected.filter((e) => !diagnostics.some((d) => matches(d, e)));
      expect(unexpected.map(formatDiagnostic), 'diagnostics nobody expected').toEqual([]);
      expect(missing, 'expected diagnostics that did not appear').toEqual([]);
      for (const d of diagnostics) {
        expect(d.file).toBe(path);
        if (d.severity === 'error') expect(d.hint, `${formatDiagnostic(d)} says what to do`).toBeTruthy();
      }
    });
  }
});
