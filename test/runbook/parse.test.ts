import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Runbook } from '../../src/contract/runbook.js';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const FENCE = '```';

function parse(source: string, readTemplateFile?: (name: string) => string | undefined) {
  return parseRunbookWith(
    source,
    'runbooks/demo.md',
    fakeKinds,
    readTemplateFile ? { readTemplateFile } : {},
  );
}

function parseOk(source: string): Runbook {
  const { runbook, diagnostics } = parse(source);
  expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  expect(runbook).toBeDefined();
  return runbook as Runbook;
}

const header = '---\ntitle: Demo\nvars:\n  port: 6379\n---\n';

describe('steps', () => {
  it('makes each ## heading a step with a unique slug, title and location', () => {
    const runbook = parseOk(
      `${header}# Demo runbook\n\nWelcome.\n\n## Install \`redis\`\n\nFirst.\n\n## Install redis\n\nAgain.\n\n## ¿Qué pasa? Ünïcode!\n\nText.\n\n## !!!\n\nPunctuation only.\n`,
    );
    expect(runbook.steps.map((s) => [s.id, s.title, s.index, s.loc.line, s.loc.column])).toEqual([
      ['install-redis', 'Install redis', 0, 10, 1],
      ['install-redis-2', 'Install redis', 1, 14, 1],
      ['qué-pasa-ünïcode', '¿Qué pasa? Ünïcode!', 2, 18, 1],
      ['step-4', '!!!', 3, 22, 1],
    ]);
    expect(runbook.introduction).toBe('Welcome.');
    expect(runbook.title).toBe('Demo');
    expect(runbook.baseDir.endsWith('/runbooks')).toBe(true);
  });

  it('keeps prose and shown code blocks as the explanation, without the action blocks', () => {
    const runbook = parseOk(
      `${header}## Step\n\nBefore the action.\n\n${FENCE}sh id=a\necho a\n${FENCE}\n\nBetween.\n\n${FENCE}bash\necho shown only\n${FENCE}\n\n${FENCE}check\na.exit == 0\n${FENCE}\n\n### Sub heading\n\nAfter.\n`,
    );
    const [step] = runbook.steps;
    expect(step?.explanation).toBe(
      `Before the action.\n\nBetween.\n\n${FENCE}bash\necho shown only\n${FENCE}\n\n### Sub heading\n\nAfter.`,
    );
    expect(step?.actions.map((a) => [a.kind, a.id, a.body, a.loc.line, a.bodyLine])).toEqual([
      ['sh', 'a', 'echo a', 10, 11],
      ['check', undefined, 'a.exit == 0', 20, 21],
    ]);
  });

  it('finds action blocks inside lists and takes setext headings as steps', () => {
    const runbook = parseOk(
      `${header}Setext step\n-----------\n\n1. Do this:\n\n   ${FENCE}sh id=listed\n   echo in a list\n   ${FENCE}\n`,
    );
    expect(runbook.steps[0]?.title).toBe('Setext step');
    expect(runbook.steps[0]?.actions[0]).toMatchObject({
      id: 'listed',
      body: 'echo in a list',
      loc: { line: 11, column: 4 },
    });
  });

  it('accepts CRLF line endings and a byte order mark', () => {
    const runbook = parseOk(
      `\uFEFF${header}## Step\r\n\r\n${FENCE}sh\r\necho hi\r\n${FENCE}\r\n`
        .replace(/\n/g, '\r\n')
        .replace(/\r\r/g, '\r'),
    );
    expect(runbook.steps[0]?.actions[0]?.body).toBe('echo hi');
  });

  it('treats ## inside a code block as code, not a step', () => {
    const runbook = parseOk(`${header}## Real\n\n${FENCE}markdown\n## Not a step\n${FENCE}\n`);
    expect(runbook.steps.map((s) => s.title)).toEqual(['Real']);
  });
});

describe('common attributes and safety', () => {
  it('reads id, confirm, timeout, retries and within', () => {
    const runbook = parseOk(
      `${header}## Step\n\n${FENCE}sh id=x confirm="creates 5 droplets" timeout=1m30s retries=3 within=500ms env="P=vars.port"\necho\n${FENCE}\n`,
    );
    expect(runbook.steps[0]?.actions[0]).toMatchObject({
      id: 'x',
      confirm: 'creates 5 droplets',
      timeoutMs: 90_000,
      retries: 3,
      withinMs: 500,
      attrs: { env: 'P=vars.port' },
      spec: { script: 'echo', env: 'P=vars.port' },
    });
  });

  it("defaults safety from the kind and spec, and a step takes its most dangerous action's", () => {
    const runbook = parseOk(
      `${header}## Read\n\n${FENCE}check\nvars.port == 6379\n${FENCE}\n\n## Fail over\n\n${FENCE}check\nvars.port == 6379\n${FENCE}\n\n${FENCE}failover\nFAILOVER\n${FENCE}\n\n${FENCE}sh\necho\n${FENCE}\n\n## Prose only\n\nJust read.\n`,
    );
    expect(runbook.steps.map((s) => [s.safety, s.actions.map((a) => a.safety)])).toEqual([
      ['safe', ['safe']],
      ['destructive', ['safe', 'destructive', 'mutating']],
      ['safe', []],
    ]);
  });

  it('lets safety= raise silently and lower with a warning', () => {
    const { runbook, diagnostics } = parse(
      `${header}## Step\n\n${FENCE}check safety=destructive\nvars.port == 1\n${FENCE}\n\n${FENCE}failover safety=safe\nFAILOVER\n${FENCE}\n`,
    );
    expect(runbook?.steps[0]?.actions.map((a) => a.safety)).toEqual(['destructive', 'safe']);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'runbooks/demo.md:12:20: warning: safety=safe lowers this failover block from destructive\n  hint: it will run without asking; keep safety=safe only if the block changes nothing',
    ]);
  });

  it('lets a shell block, whose kind cannot see what it does, declare itself safe without a warning', () => {
    const { runbook, diagnostics } = parse(
      `${header}## Step\n\n${FENCE}sh safety=safe\nredis-cli ping\n${FENCE}\n`,
    );
    expect(runbook?.steps[0]?.safety).toBe('safe');
    expect(diagnostics).toEqual([]);
  });

  it('maps problems the kind reports in the body to absolute line:col', () => {
    const { diagnostics } = parse(
      `${header}## Step\n\n  ${FENCE}check\n  vars.port == 1\n  vars.port ~ 2\n  ${FENCE}\n`,
    );
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [10, 13, 'unknown comparison "~"'],
    ]);
  });

  it('reports a bad value for a kind attribute at the value', () => {
    const { diagnostics } = parse(`${header}## Step\n\n${FENCE}check level=loud\nvars.port == 1\n${FENCE}\n`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 8, column: 16 });
    expect(diagnostics[0]?.message).toMatch(/^bad value for level="loud": /);
  });

  it('keeps reporting when a kind throws instead of reporting', () => {
    const kinds = new Map(fakeKinds);
    kinds.set('boom', {
      ...(fakeKinds.get('sh') as NonNullable<ReturnType<typeof fakeKinds.get>>),
      kind: 'boom',
      parse: () => {
        throw new Error('kaboom');
      },
    });
    const { diagnostics } = parseRunbookWith(
      `${header}## Step\n\n${FENCE}boom\nx\n${FENCE}\n`,
      'x.md',
      kinds,
    );
    expect(diagnostics[0]?.message).toBe('the boom kind failed to read this block: kaboom');
  });
});

describe('templates', () => {
  it('collects code blocks with file=NAME and keeps them in the explanation', () => {
    const runbook = parseOk(
      `${header}## Configure\n\n${FENCE}ini file=conf/redis.conf\nport {{ vars.port }}\n${FENCE}\n\n${FENCE}render template=conf/redis.conf\n${FENCE}\n`,
    );
    expect(runbook.templates['conf/redis.conf']).toEqual({
      name: 'conf/redis.conf',
      content: 'port {{ vars.port }}\n',
      loc: { file: 'runbooks/demo.md', line: 8, column: 1 },
    });
    expect(runbook.steps[0]?.explanation).toContain('file=conf/redis.conf');
  });

  it('reads a template from beside the runbook and checks its references there', () => {
    const files: Record<string, string> = { 'cloud-init.yaml': 'a: {{ vars.port }}\nb: {{ vars.nope }}\n' };
    const { diagnostics } = parse(
      `${header}## Boot\n\n${FENCE}render template=cloud-init.yaml\n${FENCE}\n`,
      (name) => files[name],
    );
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.message])).toEqual([
      ['runbooks/cloud-init.yaml', 2, 4, '"vars.nope": variable "nope" is not declared'],
    ]);
  });

  it('accepts {{ params.NAME }} in a template when the block gives NAME, and names the params it gives otherwise', () => {
    const files: Record<string, string> = {
      'node.yaml': 'replicaof {{ params.replicaof }}\nip {{ params.ip }}\n',
    };
    const { diagnostics } = parse(
      `${header}## Boot\n\n${FENCE}render template=node.yaml params=replicaof\n${FENCE}\n`,
      (name) => files[name],
    );
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.message, d.hint])).toEqual([
      [
        'runbooks/node.yaml',
        2,
        4,
        '"params.ip": the render block on line 8 gives template "node.yaml" no param "ip"',
        "it gives: replicaof; add ip to the block's params",
      ],
    ]);
  });

  it('reports a template that is neither a block nor a file', () => {
    const { diagnostics } = parse(
      `${header}## Boot\n\n${FENCE}render template=missing.yaml\n${FENCE}\n`,
      () => undefined,
    );
    expect(diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [8, 20, 'template "missing.yaml" not found'],
    ]);
  });
});
