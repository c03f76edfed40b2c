import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook, templateFileReader } from '../../src/runbook/parse.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fakeKinds } from './fake-kinds.js';

let dir: string;

beforeAll(async () => {
  dir = tempDir('drillbook-load-');
  await mkdir(join(dir, 'conf'));
  await mkdir(join(dir, 'conf', 'adir'));
  await writeFile(join(dir, 'conf', 'redis.conf'), 'port {{ vars.port }}\n');
  await writeFile(join(dir, 'outside.conf'), 'never read\n');
});

const runbook = (template: string) =>
  `---\ntitle: Load\nvars:\n  port: 6379\n---\n\n## Configure\n\n\`\`\`render template=${template}\n\`\`\`\n`;

describe('loadRunbook', () => {
  it('reads the file and templates beside it', async () => {
    const path = join(dir, 'drill.md');
    await writeFile(path, runbook('conf/redis.conf'));
    const { runbook: loaded, diagnostics } = await loadRunbook(path, { kinds: fakeKinds });
    expect(diagnostics).toEqual([]);
    expect(loaded?.baseDir).toBe(dir);
    expect(loaded?.templates['conf/redis.conf']).toEqual({
      name: 'conf/redis.conf',
      content: 'port {{ vars.port }}\n',
      loc: { file: join(dir, 'conf/redis.conf'), line: 1, column: 1 },
    });
  });

  it('refuses template names that leave the runbook folder, and directories', async () => {
    const inner = join(dir, 'conf', 'inner.md');
    await writeFile(inner, runbook('../outside.conf'));
    const escaped = await loadRunbook(inner, { kinds: fakeKinds });
    expect(escaped.diagnostics.map((d) => d.message)).toEqual([
      '"../outside.conf" is not a usable template name',
    ]);
    expect(templateFileReader(join(dir, 'conf'))('adir')).toBeUndefined();
  });

  it('reports a missing file as a diagnostic', async () => {
    const { runbook: loaded, diagnostics } = await loadRunbook(join(dir, 'nope.md'), { kinds: fakeKinds });
    expect(loaded).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 1, column: 1, message: 'cannot read the runbook: no such file' }),
    ]);
  });
});
