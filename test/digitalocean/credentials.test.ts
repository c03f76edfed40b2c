// Token and API URL resolution in doctl's order; no message ever holds a token.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CredentialsError,
  DEFAULT_API_URL,
  resolveDigitalOceanTarget,
} from '../../src/targets/digitalocean/credentials.js';
import { tempDir } from '../helpers/temp-dir.js';

let home: string;

beforeEach(() => {
  home = tempDir('drillbook-doctl-');
});

async function writeDoctlConfig(yaml: string, base = join(home, '.config')): Promise<void> {
  await mkdir(join(base, 'doctl'), { recursive: true });
  await writeFile(join(base, 'doctl', 'config.yaml'), yaml, { mode: 0o600 });
}

async function failure(promise: Promise<unknown>): Promise<CredentialsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CredentialsError);
  return error as CredentialsError;
}

describe('resolveDigitalOceanTarget', () => {
  it('prefers DIGITALOCEAN_ACCESS_TOKEN, then DIGITALOCEAN_TOKEN, then doctl', async () => {
    await writeDoctlConfig('access-token: from-doctl-file\n');
    const both = { HOME: home, DIGITALOCEAN_ACCESS_TOKEN: 'access-first', DIGITALOCEAN_TOKEN: 'second' };
    expect(await resolveDigitalOceanTarget({ env: both })).toEqual({
      name: 'digitalocean',
      apiUrl: DEFAULT_API_URL,
      token: 'access-first',
      tokenSource: 'DIGITALOCEAN_ACCESS_TOKEN',
    });
    const second = await resolveDigitalOceanTarget({ env: { HOME: home, DIGITALOCEAN_TOKEN: 'second' } });
    expect(second).toMatchObject({ token: 'second', tokenSource: 'DIGITALOCEAN_TOKEN' });
    const file = await resolveDigitalOceanTarget({ env: { HOME: home } });
    expect(file.token).toBe('from-doctl-file');
    expect(file.tokenSource).toBe(`access-token in ${join(home, '.config', 'doctl', 'config.yaml')}`);
  });

  it('reads $XDG_CONFIG_HOME/doctl/config.yaml and auth-contexts with a context', async () => {
    const xdg = join(home, 'xdg');
    await writeDoctlConfig(
      'access-token: default-token\ncontext: work\nauth-contexts:\n  work: work-token\n  lab: lab-token\n',
      xdg,
    );
    const env = { HOME: home, XDG_CONFIG_HOME: xdg };
    expect((await resolveDigitalOceanTarget({ env })).token).toBe('work-token');
    expect((await resolveDigitalOceanTarget({ env, context: 'lab' })).token).toBe('lab-token');
    expect((await resolveDigitalOceanTarget({ env, context: 'default' })).token).toBe('default-token');
    expect(
      (await resolveDigitalOceanTarget({ env: { ...env, DIGITALOCEAN_CONTEXT: 'lab' } })).tokenSource,
    ).toContain('doctl auth context "lab"');
  });

  it('an unknown context names the known ones and never a token', async () => {
    await writeDoctlConfig('auth-contexts:\n  work: work-token-123\n');
    const error = await failure(resolveDigitalOceanTarget({ env: { HOME: home }, context: 'prod' }));
    expect(error.message).toContain('doctl auth context "prod" has no token');
    expect(error.message).toContain('known contexts: work');
    expect(error.message).not.toContain('work-token-123');
  });

  it('no token anywhere: the message names every source in order', async () => {
    const error = await failure(resolveDigitalOceanTarget({ env: { HOME: home } }));
    expect(error.message).toMatch(
      /no DigitalOcean API token found: looked in DIGITALOCEAN_ACCESS_TOKEN, DIGITALOCEAN_TOKEN, or doctl's config file .*\/\.config\/doctl\/config\.yaml/,
    );
  });

  it('a broken config file is reported by line, without quoting it', async () => {
    await writeDoctlConfig('access-token: "secret-token-value\n  bad: [\n');
    const error = await failure(resolveDigitalOceanTarget({ env: { HOME: home } }));
    expect(error.message).toContain('is not valid YAML');
    expect(error.message).not.toContain('secret-token-value');
  });

  it('names DIGITALOCEAN_API_URL when it is not a URL', async () => {
    const error = await failure(
      resolveDigitalOceanTarget({
        env: { HOME: home, DIGITALOCEAN_ACCESS_TOKEN: 't0ken', DIGITALOCEAN_API_URL: 'api.example' },
      }),
    );
    expect(error.message).toBe(
      'DIGITALOCEAN_API_URL "api.example" is not a URL; set it like https://api.digitalocean.com/v2 or unset it',
    );
  });

  it('takes the API URL from DIGITALOCEAN_API_URL, adding /v2 to a doctl-style URL', async () => {
    const env = { HOME: home, DIGITALOCEAN_ACCESS_TOKEN: 't0ken' };
    expect(
      (await resolveDigitalOceanTarget({ env: { ...env, DIGITALOCEAN_API_URL: 'http://127.0.0.1:4000' } }))
        .apiUrl,
    ).toBe('http://127.0.0.1:4000/v2');
    expect(
      (
        await resolveDigitalOceanTarget({
          env: { ...env, DIGITALOCEAN_API_URL: 'http://127.0.0.1:4000/v2/' },
        })
      ).apiUrl,
    ).toBe('http://127.0.0.1:4000/v2');
  });
});
