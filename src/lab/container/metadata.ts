// The documents the metadata service serves (one per droplet, keyed by its private address), in the shape
// of DigitalOcean's /metadata/v1.json. The file holds user_data, so it is 0600.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { netmask } from '../emulator/addresses.js';
import type { LabDroplet } from '../runtime.js';
import { vpcGateway } from './netns.js';

export function metadataDocument(droplet: LabDroplet & { vpcRange: string }): Record<string, unknown> {
  return {
    droplet_id: droplet.id,
    id: droplet.id,
    hostname: droplet.name,
    user_data: droplet.userData ?? '',
    vendor_data: '',
    public_keys: droplet.sshPublicKeys ?? [],
    region: droplet.region ?? '',
    interfaces: {
      public: [
        {
          ipv4: { ip_address: droplet.publicIp, netmask: '255.255.0.0', gateway: '127.200.0.1' },
          type: 'public',
        },
      ],
      private: [
        {
          ipv4: {
            ip_address: droplet.privateIp,
            netmask: netmask(Number(droplet.vpcRange.split('/')[1])),
            gateway: vpcGateway(droplet.vpcRange),
          },
          type: 'private',
        },
      ],
    },
    floating_ip: { ipv4: { active: false } },
    tags: droplet.tags,
    features: { dhcp_enabled: false },
  };
}

async function readDocuments(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
}

/** Replaced whole (temp file + rename): the agent reads it on every request and must never see half. */
async function writeDocuments(file: string, documents: Record<string, unknown>): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(documents), { mode: 0o600 });
  await rename(temp, file);
}

/** Callers serialize these two: each reads, changes and rewrites the whole file. */
export async function writeMetadata(file: string, droplet: LabDroplet & { vpcRange: string }): Promise<void> {
  const documents = await readDocuments(file);
  documents[droplet.privateIp] = metadataDocument(droplet);
  await writeDocuments(file, documents);
}

export async function removeMetadata(file: string, privateIp: string): Promise<void> {
  const documents = await readDocuments(file);
  delete documents[privateIp];
  await writeDocuments(file, documents);
}
