// What `drillbook check` refuses or warns about before anything runs (issue #15 items 10, 11, 13, 14, 19).

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateContent } from '../../src/actions/do/render.js';
import { actionKinds } from '../../src/actions/registry.js';
import { MAX_DURATION_MS, parseDuration } from '../../src/runbook/duration.js';
import { loadRunbook, parseRunbook } from '../../src/runbook/parse.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fakeKinds } from './fake-kinds.js';

const messages = (source: string) =>
  parseRunbook(source, 'drill.md', { kinds: actionKinds }).diagnostics.map((d) => d.message);
const withVar = (name: string) =>
  `---\ntitle: T\nvars:\n  ${name}: x\n---\n\n## Run\n\n\`\`\`sh\necho hi\n\`\`\`\n`;

describe('variables that would become start-up variables of shells and interpreters', () => {
  it.each([
    ['bash_env', 'BASH_ENV'],
    ['BASH_ENV', 'BASH_ENV'],
    ['env', 'ENV'],
    ['shellopts', 'SHELLOPTS'],
    ['bashopts', 'BASHOPTS'],
    ['ps4', 'PS4'],
    ['prompt_command', 'PROMPT_COMMAND'],
    ['ld_preload', 'LD_PRELOAD'],
    ['ldLibraryPath', 'LD_LIBRARY_PATH'],
    ['node_options', 'NODE_OPTIONS'],
    ['pythonstartup', 'PYTHONSTARTUP'],
    ['perl5opt', 'PERL5OPT'],
    ['bash_func_x', 'BASH_FUNC_X'],
  ])('refuses %s (it becomes $%s)', (name, envName) => {
    expect(messages(withVar(name))).toContainEqual(
      expect.stringContaining(
        `variable "${name}" cannot be used: its environment name $${envName} is read by`,
      ),
    );
  });

  it('still accepts ordinary names that merely look alike', () => {
    for (const name of ['environment', 'bashful', 'redis_password', 'node_count', 'ld'])
      expect(messages(withVar(name))).toEqual([]);
  });

  it('refuses the same names in an sh block env= binding', () => {
    const source = `---\ntitle: T\nvars:\n  port: 1\n---\n\n## Run\n\n\`\`\`sh env="BASH_ENV=vars.port"\necho hi\n\`\`\`\n`;
    expect(messages(source)).toContainEqual(expect.stringContaining('BASH_ENV cannot be set'));
  });
});

describe('durations beyond what Node timers can wait', () => {
  it('refuses timeout=600h and within= past 2^31-1 ms, naming the limit', () => {
    const block = (attr: string) => `---\ntitle: T\n---\n\n## Run\n\n\`\`\`sh ${attr}\necho hi\n\`\`\`\n`;
    expect(messages(block('timeout=600h'))).toEqual([
      'timeout=600h is longer than the longest timer Node can set (596h)',
    ]);
    expect(messages(block('within=597h'))).toHaveLength(1);
    expect(messages(block('timeout=596h'))).toEqual([]);
    expect(parseDuration('596h')).toBeLessThanOrEqual(MAX_DURATION_MS);
    expect(parseDuration(`${MAX_DURATION_MS + 1}ms`)).toBeUndefined();
    expect(parseDuration(`${MAX_DURATION_MS}ms`)).toBe(MAX_DURATION_MS);
  });
});

describe('front matter size', () => {
  it('parses 20,000 variables (the YAML duplicate check and key lookups are linear)', () => {
    const vars = Array.from({ length: 20_000 }, (_, i) => `  v${i}:\n    default: x${i}`).join('\n');
    const { runbook, diagnostics } = parseRunbook(
      `---\ntitle: T\nvars:\n${vars}\n---\n\n## Run\n\n\`\`\`sh\necho hi\n\`\`\`\n`,
      'drill.md',
      { kinds: actionKinds },
    );
    expect(diagnostics).toEqual([]);
    expect(runbook?.vars).toHaveLength(20_000);
  });

  it('still reports a key written twice, at the second one, naming the first line', () => {
    const source = `---\ntitle: T\nvars:\n  a: 1\n  b: 2\n  a: 3\n---\n\n## Run\n\ntext\n`;
    const [problem] = parseRunbook(source, 'drill.md', { kinds: actionKinds }).diagnostics;
    expect(problem).toMatchObject({ line: 6, column: 3 });
    expect(problem?.message).toBe(
      'front matter: key "a" appears twice in the same mapping (first on line 4)',
    );
  });
});

describe('code blocks that look like action kinds but are only shown', () => {
  const fence = (word: string) => `---\ntitle: T\n---\n\n## Run\n\n\`\`\`${word}\necho hi\n\`\`\`\n`;

  it.each([
    ['shh', 'sh'],
    ['Sh', 'sh'],
    ['REDIS', 'redis'],
    ['sentinal', 'sentinel'],
    ['chek', 'check'],
  ])('warns at check that ```%s is shown only (did you mean %s?)', (word, kind) => {
    const [problem] = parseRunbook(fence(word), 'drill.md', { kinds: actionKinds }).diagnostics;
    expect(problem?.severity).toBe('warning');
    expect(problem?.message).toContain(`did you mean "${kind}"?`);
    expect(problem).toMatchObject({ line: 7, column: 4 });
  });

  it.each(['bash', 'go', 'json', 'yaml', 'text', 'console', 'dot', ''])('stays quiet for ```%s', (word) => {
    expect(parseRunbook(fence(word), 'drill.md', { kinds: actionKinds }).diagnostics).toEqual([]);
  });
});

describe('templates reached through symlinks', () => {
  let dir: string;
  let outside: string;
  beforeAll(async () => {
    dir = tempDir('drillbook-links-');
    outside = tempDir('drillbook-outside-');
    await writeFile(join(outside, 'secret.conf'), 'root:x:0:0\n');
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'inside.conf'), 'port 1\n');
    await symlink(join(outside, 'secret.conf'), join(dir, 'linked.conf'));
    await symlink(outside, join(dir, 'linkdir'));
    await symlink(join(dir, 'conf', 'inside.conf'), join(dir, 'ok-link.conf'));
  });
  const book = (template: string) =>
    `---\ntitle: Load\n---\n\n## Configure\n\n\`\`\`render template=${template}\n\`\`\`\n`;

  it.each(['linked.conf', 'linkdir/secret.conf'])(
    'refuses %s, which leads outside the folder',
    async (name) => {
      const path = join(dir, 'drill.md');
      await writeFile(path, book(name));
      const { runbook, diagnostics } = await loadRunbook(path, { kinds: fakeKinds });
      expect(runbook).toBeUndefined();
      expect(diagnostics[0]?.message).toMatch(/is a link to .*secret\.conf, outside the runbook's folder/);
    },
  );

  it('accepts a link that stays inside the folder', async () => {
    const path = join(dir, 'drill.md');
    await writeFile(path, book('ok-link.conf'));
    const { runbook } = await loadRunbook(path, { kinds: fakeKinds });
    expect(runbook?.templates['ok-link.conf']?.content).toBe('port 1\n');
  });

  it('refuses it at run time too, when a do block reads the template from disk', () => {
    const ctx = { runbook: { baseDir: dir, templates: {} } } as unknown as Parameters<
      typeof templateContent
    >[0];
    expect(() => templateContent(ctx, 'linkdir/secret.conf')).toThrow(/outside the runbook's folder/);
    expect(templateContent(ctx, 'conf/inside.conf')).toBe('port 1\n');
  });
});
