import { describe, expect, it } from 'vitest';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const body = '\n## Step\n\nRead this.\n';

function parse(frontMatter: string) {
  return parseRunbookWith(`---\n${frontMatter}\n---\n${body}`, 'fm.md', fakeKinds);
}

describe('front matter', () => {
  it('reads title, description, target and every form of variable', () => {
    const { runbook, diagnostics } = parse(
      [
        'title: Drill',
        'description: Fail over a Sentinel cluster',
        'target: digitalocean',
        'vars:',
        '  port: 6379',
        '  debug: false',
        '  region: { default: nyc1, description: Region slug }',
        '  redis_password: { secret: true, source: generate:48 }',
        '  token: { secret: true, source: env:DIGITALOCEAN_TOKEN }',
        '  operator: { source: prompt, description: Who is on call }',
        '  quorum: { default: 2, source: generate }',
      ].join('\n'),
    );
    expect(diagnostics).toEqual([]);
    expect(runbook).toMatchObject({
      title: 'Drill',
      description: 'Fail over a Sentinel cluster',
      target: 'digitalocean',
    });
    expect(
      runbook?.vars.map((v) => [v.name, v.default, v.secret, v.source, v.loc.line, v.loc.column]),
    ).toEqual([
      ['port', '6379', false, { kind: 'default' }, 6, 3],
      ['debug', 'false', false, { kind: 'default' }, 7, 3],
      ['region', 'nyc1', false, { kind: 'default' }, 8, 3],
      ['redis_password', undefined, true, { kind: 'generate', length: 48 }, 9, 3],
      ['token', undefined, true, { kind: 'env', name: 'DIGITALOCEAN_TOKEN' }, 10, 3],
      ['operator', undefined, false, { kind: 'prompt' }, 11, 3],
      ['quorum', '2', false, { kind: 'generate', length: 32 }, 12, 3],
    ]);
    expect(runbook?.vars[2]?.description).toBe('Region slug');
  });

  it('places YAML syntax errors at their line:col in the file', () => {
    const { runbook, diagnostics } = parse('title: x\nvars: [unclosed');
    expect(runbook).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ file: 'fm.md', line: 3 });
    expect(diagnostics[0]?.message).toMatch(/^front matter: /);
  });

  it('reports an alias without its anchor instead of throwing (found by the fuzz test)', () => {
    const { diagnostics } = parse('title: x\nother: *nowhere');
    expect(diagnostics.map((d) => [d.line, d.message])).toEqual([
      [2, 'front matter: Unresolved alias (the anchor must be set before the alias): nowhere'],
    ]);
  });

  it('rejects duplicate keys and non-mapping front matter', () => {
    expect(parse('title: a\ntitle: b').diagnostics[0]).toMatchObject({ line: 3, column: 1 });
    expect(parse('- just\n- a list').diagnostics.map((d) => d.message)).toEqual([
      'front matter must be a YAML mapping',
    ]);
  });

  it('points at the offending value for a type error', () => {
    const { diagnostics } = parse('title: x\nvars:\n  port: { default: [1, 2], secret: maybe }');
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [4, 20, 'vars.port.default must be a string, number or boolean'],
      [4, 36, 'vars.port.secret must be true or false'],
    ]);
  });

  it('warns when a secret has its value in the file', () => {
    const { runbook, diagnostics } = parse('title: x\nvars:\n  pw: { default: hunter2, secret: true }');
    expect(runbook).toBeDefined();
    expect(diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['warning', 4, 18]]);
  });

  it('takes an empty default on a secret as "none unless given", not as a secret in the file', () => {
    const { runbook, diagnostics } = parse(
      "title: x\nvars:\n  sentinel_password: { default: '', secret: true, source: 'env:SENTINEL_PASSWORD' }",
    );
    expect(diagnostics).toEqual([]);
    expect(runbook?.vars[0]).toMatchObject({ name: 'sentinel_password', default: '', secret: true });
  });
});
