// The metadata service's answers, as DigitalOcean's: v1.json whole, a path as text, a folder as its entries.
import { describe, expect, it } from 'vitest';
import { metadataAnswer } from './vpc-agent.js';

const document = {
  droplet_id: 500000001,
  hostname: 'redis-1',
  tags: ['redis', 'drillbook-lab'],
  interfaces: {
    private: [
      { ipv4: { ip_address: '10.10.0.10', netmask: '255.255.255.0', gateway: '10.10.0.1' }, type: 'private' },
    ],
    public: [
      {
        ipv4: { ip_address: '127.200.0.10', netmask: '255.255.0.0', gateway: '127.200.0.1' },
        type: 'public',
      },
    ],
  },
};

describe('metadata answers', () => {
  it('serves the private and public addresses under DigitalOcean paths', () => {
    expect(metadataAnswer(document, '/metadata/v1/interfaces/private/0/ipv4/address')).toBe('10.10.0.10');
    expect(metadataAnswer(document, '/metadata/v1/interfaces/public/0/ipv4/address')).toBe('127.200.0.10');
    expect(metadataAnswer(document, '/metadata/v1/interfaces/private/0/ipv4/gateway')).toBe('10.10.0.1');
  });

  it('serves scalars, lists one a line, folders as entries, and v1.json whole', () => {
    expect(metadataAnswer(document, '/metadata/v1/hostname')).toBe('redis-1');
    expect(metadataAnswer(document, '/metadata/v1/droplet-id')).toBe('500000001');
    expect(metadataAnswer(document, '/metadata/v1/tags')).toBe('redis\ndrillbook-lab');
    expect(metadataAnswer(document, '/metadata/v1/interfaces/private/0/ipv4')).toBe(
      'address\nnetmask\ngateway',
    );
    expect(metadataAnswer(document, '/metadata/v1/interfaces/')).toBe('private/\npublic/');
    expect(JSON.parse(metadataAnswer(document, '/metadata/v1.json') as string)).toEqual(document);
  });

  it('answers nothing for unknown paths', () => {
    expect(metadataAnswer(document, '/metadata/v1/nope')).toBeUndefined();
    expect(metadataAnswer(document, '/latest/meta-data')).toBeUndefined();
  });
});
