// The runbooks in fixtures/good-runbooks parse cleanly with the real action kinds from the registry.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import { formatDiagnostic } from '../../src/contract/runbook.js';
import { loadRunbook, parseRunbook } from '../../src/runbook/parse.js';

const DIR = 'fixtures/good-runbooks';
const fixtures = readdirSync(DIR).filter((name) => name.endsWith('.md'));

describe('good runbook fixtures with the real registry', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
  });

  for (const name of fixtures) {
    it(name, async () => {
      const { runbook, diagnostics } = await loadRunbook(join(DIR, name), { kinds: actionKinds });
      expect(diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(runbook?.steps.length).toBeGreaterThan(0);
      for (const action of runbook?.steps.flatMap((s) => s.actions) ?? []) expect(action.spec).toBeDefined();
    });
  }

  it('reads kinds, ids, safety and published variables as the real kinds define them', async () => {
    const { runbook } = await loadRunbook(join(DIR, 'shell-and-checks.md'), { kinds: actionKinds });
    expect(
      runbook?.steps.map((s) => [s.id, s.safety, s.actions.map((a) => `${a.kind}${a.id ? `#${a.id}` : ''}`)]),
    ).toEqual([
      ['say-hello', 'mutating', ['sh#hello']],
      ['count-to-three', 'mutating', ['sh#counting']],
      ['check-the-results', 'safe', ['check']],
      ['ask-before-cleaning-up', 'destructive', ['prompt', 'sh']],
    ]);
    expect(runbook?.introduction).toBe('Prose before the first step is the introduction.');
  });
});

describe('docs/runbook-format.md', () => {
  it('has a complete example runbook that parses with the real registry', () => {
    const doc = readFileSync('docs/runbook-format.md', 'utf8');
    const examples = [...doc.matchAll(/^````markdown\n(---\n[\s\S]*?)^````$/gm)].map((m) => m[1] as string);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const { runbook, diagnostics } = parseRunbook(example, 'docs/runbook-format.md', {
        kinds: actionKinds,
      });
      expect(diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(runbook?.steps.map((s) => s.id)).toEqual(['ping-the-master', 'check-the-answer']);
    }
  });
});
