// ssh_key.ensure against the emulator through dots-wrapper: a public key file uploaded once and adopted by
// fingerprint afterwards, an account key named by id or fingerprint, and the errors an operator can hit.
// Also: an empty admin address is refused on DigitalOcean and replaced by loopback on the lab.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { runDo, withEmulator } from './helpers.js';

const api = withEmulator();
const dir = tempDir('drillbook-ssh-key-');
let pub: string;

beforeAll(async () => {
  await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  pub = join(dir, 'id_ed25519.pub');
});

/** An OpenSSH ed25519 public key line no file holds: another person's key on the account. */
function randomPublicKey(): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} colleague`;
}

describe('ssh_key.ensure', () => {
  it('uploads a public key file once, then adopts it by fingerprint; the private half is published', async () => {
    const first = await runDo(`op: ssh_key.ensure\nkey: ${pub}`, api.target);
    expect(first.outcome.ok, first.outcome.error).toBe(true);
    expect(first.outcome.data).toMatchObject({
      created: true,
      name: 'drillbook',
      file: pub,
      private_key: join(dir, 'id_ed25519'),
      fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/),
    });
    const again = await runDo(`op: ssh_key.ensure\nkey: ${pub}`, api.target);
    expect(again.outcome.data).toMatchObject({
      created: false,
      id: (first.outcome.data as { id: number }).id,
    });
    const posts = api.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v2/account/keys');
    expect(posts).toHaveLength(1);

    const { id, fingerprint } = first.outcome.data as { id: number; fingerprint: string };
    for (const reference of [String(id), fingerprint]) {
      const named = await runDo(`op: ssh_key.ensure\nkey: "${reference}"`, api.target);
      expect(named.outcome.data, reference).toMatchObject({ id, created: false });
    }
  });

  it('finds the key on a later page of a long key list: adopted, not uploaded twice', async () => {
    // A team account can hold more keys than one page of the list (200); ours is the last one uploaded.
    for (let n = 0; n < 200; n++) {
      const response = await fetch(`${api.target.apiUrl}/account/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `colleague-${n}`, public_key: randomPublicKey() }),
      });
      expect(response.status).toBe(201);
    }
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'late')]);
    const late = join(dir, 'late.pub');
    const first = await runDo(`op: ssh_key.ensure\nkey: ${late}\nname: late`, api.target);
    expect(first.outcome.data).toMatchObject({ created: true });
    const again = await runDo(`op: ssh_key.ensure\nkey: ${late}\nname: late`, api.target);
    expect(again.outcome.ok, again.outcome.error).toBe(true);
    expect(again.outcome.data).toMatchObject({
      created: false,
      id: (first.outcome.data as { id: number }).id,
    });
  });

  it('names a missing key file and an account key that does not exist, with what to do', async () => {
    const missing = await runDo(`op: ssh_key.ensure\nkey: ${join(dir, 'nope.pub')}`, api.target);
    expect(missing.outcome.error).toMatch(/nope\.pub: ENOENT\)\. Create one with `ssh-keygen -t ed25519`/);
    await writeFile(join(dir, 'private-by-mistake'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    const wrong = await runDo(`op: ssh_key.ensure\nkey: ${join(dir, 'private-by-mistake')}`, api.target);
    expect(wrong.outcome.error).toMatch(/is not an OpenSSH public key .* never the private key/);
    const unknown = await runDo(
      'op: ssh_key.ensure\nkey: "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"',
      api.target,
    );
    expect(unknown.outcome.error).toMatch(
      /the account has no SSH key 00:11:.*--var ssh_key=~\/\.ssh\/id_ed25519\.pub/,
    );
  });
});

describe('admin address', () => {
  const body = (name: string) =>
    `op: firewall.ensure\nname: ${name}\ntags: [jump]\ninbound_rules:\n  - { protocol: tcp, ports: "22", sources: { addresses: ["{{ vars.admin_cidr }}"] } }`;

  it('is required on DigitalOcean and is loopback on the lab', async () => {
    await runDo('op: tags.ensure\nnames: [jump]', api.target);
    const real = await runDo(body('jump-fw'), api.target, { vars: { admin_cidr: '' } });
    expect(real.outcome.error).toMatch(
      /firewall jump-fw inbound rule 1 \(tcp 22\): no source address \(admin_cidr is not set\).*--var admin_cidr=203\.0\.113\.7\/32/,
    );
    const lab = await runDo(body('jump-fw'), { ...api.target, name: 'lab' }, { vars: { admin_cidr: '' } });
    expect(lab.outcome.ok, lab.outcome.error).toBe(true);
    expect(lab.t.output.map((o) => o.line)).toContain(
      'firewall jump-fw inbound rule 1 (tcp 22): no admin address given; the lab uses 127.0.0.1/32',
    );
  });
});
