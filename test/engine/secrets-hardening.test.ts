// Secrets known before the first event, masked in their encoded forms and before values are shortened, and
// unknown --var names refused (issue #15 items 6, 7, 8, 21).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAction } from '../../src/actions/check/index.js';
import { knownTargetSecrets } from '../../src/commands/targets.js';
import { encodedForms, MASK, Redactor } from '../../src/engine/redact.js';
import { labStateDir, writeSecretJson } from '../../src/lab/state.js';
import { removeTempDir, tempDir } from '../helpers/temp-dir.js';
import { action, ofType, ok, runbook, startEngine, step, variable } from './fake-runbook.js';

const TOKEN = 'dop_v1_0123456789abcdef-token';

afterEach(() => {
  delete process.env.DIGITALOCEAN_TOKEN;
  delete process.env.DIGITALOCEAN_ACCESS_TOKEN;
});

function printing(text: string) {
  return action({
    behave: (ctx) => {
      ctx.output(text);
      return ok(`printed ${text}`, { text });
    },
  });
}

describe('secrets are registered before the first event', () => {
  it('masks the DigitalOcean token in a step that runs before any do step', async () => {
    const { engine, events } = await startEngine({
      runbook: runbook([step('env', [printing(`DIGITALOCEAN_ACCESS_TOKEN=${TOKEN}`)])]),
      target: 'digitalocean',
      resolveTarget: async () => ({ name: 'digitalocean', apiUrl: 'http://127.0.0.1:1/v2', token: TOKEN }),
    });
    await engine.runAll();
    await engine.finish();
    const journal = readFileSync(engine.journalPath, 'utf8');
    expect(journal).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(ofType(events, 'action.output')[0]?.line).toBe(`DIGITALOCEAN_ACCESS_TOKEN=${MASK}`);
  });

  it('masks a token the lab run merely inherits from the environment (DIGITALOCEAN_TOKEN too)', async () => {
    process.env.DIGITALOCEAN_TOKEN = `${TOKEN}-inherited`;
    process.env.DIGITALOCEAN_ACCESS_TOKEN = `${TOKEN}-access`;
    const { engine, events } = await startEngine({
      runbook: runbook([step('env', [printing(`${TOKEN}-inherited and ${TOKEN}-access`)])]),
    });
    await engine.runAll();
    await engine.finish();
    expect(readFileSync(engine.journalPath, 'utf8')).not.toContain(TOKEN);
    expect(ofType(events, 'action.output')[0]?.line).toBe(`${MASK} and ${MASK}`);
  });

  it("masks the lab's Redis and Sentinel passwords from its state, though the runbook never declares them", async () => {
    const known = ['lab-redis-password-0123', 'lab-sentinel-password-4567'];
    const { engine, events } = await startEngine({
      runbook: runbook([step('env', [printing(`redis ${known[0]} sentinel ${known[1]}`)])]),
      knownSecrets: async () => known,
    });
    await engine.runAll();
    await engine.finish();
    expect(ofType(events, 'action.output')[0]?.line).toBe(`redis ${MASK} sentinel ${MASK}`);
    const journal = readFileSync(engine.journalPath, 'utf8');
    for (const secret of known) expect(journal).not.toContain(secret);
  });

  it("reads the lab's passwords from its 0600 lab.json, and nothing for DigitalOcean or no lab", async () => {
    const home = tempDir('drillbook-known-secrets-');
    const env = { XDG_STATE_HOME: home };
    expect(await knownTargetSecrets('lab', env)).toEqual([]);
    mkdirSync(labStateDir(env), { recursive: true });
    await writeSecretJson(path.join(labStateDir(env), 'lab.json'), {
      ipRange: '127.10.0.0/24',
      password: 'lab-redis-password-0123',
      sentinelPassword: 'lab-sentinel-password-4567',
    });
    expect(await knownTargetSecrets('lab', env)).toEqual([
      'lab-redis-password-0123',
      'lab-sentinel-password-4567',
    ]);
    expect(await knownTargetSecrets('digitalocean', env)).toEqual([]);
    await removeTempDir(home);
  });

  it('still starts a digitalocean run whose token cannot be found yet (the do step reports it)', async () => {
    const { engine, events } = await startEngine({
      runbook: runbook([step('a', [printing('hello')])]),
      target: 'digitalocean',
      resolveTarget: async () => {
        throw new Error('no DigitalOcean API token found');
      },
    });
    expect(await engine.runAll()).toBe('passed');
    await engine.finish();
    expect(ofType(events, 'run.started')).toHaveLength(1);
  });
});

describe('masking every form a secret takes', () => {
  const secret = 'p"a\\ss w/rd&=?+%ü';
  const redactor = new Redactor();
  redactor.add(secret);

  it.each([
    ['verbatim', secret],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['redis-cli quoted', 'p\\"a\\\\ss w/rd&=?+%ü'],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', encodeURIComponent(secret).replace(/%20/g, '+')],
    ['URI-encoded', encodeURI(secret)],
  ])('masks the %s form', (_form, text) => {
    expect(redactor.text(`before ${text} after`)).toBe(`before ${MASK} after`);
  });

  it('masks a JSON body that holds the secret, as an API error would quote it', () => {
    const body = JSON.stringify({ password: secret, other: 'kept' });
    expect(redactor.text(body)).toBe(`{"password":"${MASK}","other":"kept"}`);
  });

  it('lists each form once and never one shorter than the secret', () => {
    const forms = encodedForms('plainsecret');
    expect(forms).toEqual(['plainsecret']);
    for (const form of encodedForms(secret)) expect(form.length).toBeGreaterThanOrEqual(secret.length);
  });
});

describe('masking before shortening', () => {
  it('does not leave half a secret in a check value shortened for display', async () => {
    const secret = `s3cr3t-${'x'.repeat(40)}-tail-of-the-secret`;
    const padding = 'a'.repeat(180);
    const spec = checkAction.parse({ attrs: {}, body: `vars.note == "different"` }, () => {
      throw new Error('parse problem');
    });
    const { engine, events } = await startEngine({
      runbook: runbook(
        [step('check', [action({ behave: () => ok() }, { kind: 'check', spec })])],
        [
          variable('note', { default: `${padding}${secret}` }),
          variable('pw', { secret: true, default: secret }),
        ],
      ),
      kinds: new Map([['check', checkAction]]),
    });
    await engine.runAll();
    await engine.finish();
    const text = JSON.stringify(events);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('xxxxxxxxxx');
    const check = ofType(events, 'action.finished')[0]?.checks?.[0];
    expect(check?.actual).toContain(MASK);
  });
});

describe('unknown --var names', () => {
  const book = () => runbook([step('a', [printing('ran')])], [variable('region', { default: 'ams3' })]);

  it('are an error before anything runs, suggesting the declared name', async () => {
    await expect(startEngine({ runbook: book(), vars: { regoin: 'fra1' } })).rejects.toThrow(
      /--var regoin: the runbook has no variable regoin .*did you mean region\?.*--allow-unknown-vars/,
    );
  });

  it('are a warning with allowUnknownVars', async () => {
    const { engine, events } = await startEngine({
      runbook: book(),
      vars: { regoin: 'fra1' },
      allowUnknownVars: true,
    });
    expect(await engine.runAll()).toBe('passed');
    expect(ofType(events, 'log').map((e) => e.message)).toContainEqual(
      expect.stringMatching(/regoin.*ignored/),
    );
  });
});
