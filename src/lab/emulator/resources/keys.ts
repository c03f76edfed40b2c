import { createHash } from 'node:crypto';
import type { EmulatorCore } from '../core.js';
import { notFound, unprocessable } from '../errors.js';
import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import type { StoredKey } from '../types.js';
import { bodyObject, optionalString, requiredString } from '../validate.js';

const publicKeyPattern =
  /^(ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-[a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

/** The MD5 fingerprint DigitalOcean shows for a key: colon-separated hex of the decoded key blob. */
function fingerprintOf(blob: string): string {
  return (createHash('md5').update(Buffer.from(blob, 'base64')).digest('hex').match(/../g) ?? []).join(':');
}

const presentKey = (key: StoredKey) => ({
  id: key.id,
  fingerprint: key.fingerprint,
  public_key: key.publicKey,
  name: key.name,
});

function requireKey(core: EmulatorCore, reference: string | undefined): StoredKey {
  const key = core.state.keys.find(
    (candidate) => String(candidate.id) === reference || candidate.fingerprint === reference,
  );
  if (!key) throw notFound(`SSH key ${reference}`);
  return key;
}

export const keyRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v2/account/keys',
    handler: ({ query }, core) => {
      const page = paginate(core.state.keys.map(presentKey), query, `${core.apiUrl}/account/keys`);
      return { status: 200, body: { ssh_keys: page.items, links: page.links, meta: page.meta } };
    },
  },
  {
    method: 'POST',
    pattern: '/v2/account/keys',
    handler: ({ body: raw }, core) => {
      const body = bodyObject(raw);
      const name = requiredString(body, 'name');
      const publicKey = requiredString(body, 'public_key').trim();
      const parsed = publicKeyPattern.exec(publicKey);
      if (!parsed)
        throw unprocessable('public_key', 'is not an OpenSSH public key ("type base64-key [comment]")');
      const fingerprint = fingerprintOf(parsed[2] as string);
      if (core.state.keys.some((key) => key.fingerprint === fingerprint)) {
        throw unprocessable('public_key', `is already in use on this account (fingerprint ${fingerprint})`);
      }
      const key: StoredKey = { id: core.state.nextKeyId++, name, publicKey, fingerprint };
      core.state.keys.push(key);
      core.changed();
      return { status: 201, body: { ssh_key: presentKey(key) } };
    },
  },
  {
    method: 'GET',
    pattern: '/v2/account/keys/:key',
    handler: ({ params }, core) => ({
      status: 200,
      body: { ssh_key: presentKey(requireKey(core, params.key)) },
    }),
  },
  {
    method: 'PUT',
    pattern: '/v2/account/keys/:key',
    handler: ({ params, body }, core) => {
      const key = requireKey(core, params.key);
      const name = optionalString(bodyObject(body), 'name');
      if (name !== undefined) {
        if (name.trim() === '') throw unprocessable('name', 'must not be empty');
        key.name = name;
        core.changed();
      }
      return { status: 200, body: { ssh_key: presentKey(key) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/v2/account/keys/:key',
    handler: ({ params }, core) => {
      const key = requireKey(core, params.key);
      core.state.keys = core.state.keys.filter((candidate) => candidate !== key);
      core.changed();
      return { status: 204 };
    },
  },
];
