import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { requirePackages } from '../../../test/helpers/system.js';
import {
  compileFirewalls,
  type FirewallInput,
  type NetworkFirewall,
  normalizeAddress,
  protocolMatch,
  replaceTableScript,
  targetAddresses,
} from './firewall-compile.js';

// Every compiled table is checked by nft itself (check mode: nothing is committed).
beforeAll(() => requirePackages('nftables'));

const droplets = [
  { id: 1, name: 'redis-1', tags: ['redis'], addresses: ['10.10.0.10', '198.18.0.10'] },
  { id: 2, name: 'redis-2', tags: ['redis'], addresses: ['10.10.0.11', '198.18.0.11'] },
  { id: 3, name: 'bastion', tags: ['bastion'], addresses: ['10.10.0.12', '198.18.0.12'] },
];

const redisFirewall: NetworkFirewall = {
  name: 'redis-fw',
  tags: ['redis'],
  dropletIds: [],
  inboundRules: [
    { protocol: 'tcp', ports: '6379', sources: { tags: ['redis', 'bastion'] } },
    { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
    { protocol: 'icmp', ports: '0', sources: { droplet_ids: [3] } },
  ],
  outboundRules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['10.10.0.0/24'] } }],
};

/** nft's own parser and the kernel's validation, without committing anything (check mode). */
function nftCheck(script: string): void {
  execFileSync('nft', ['-c', '-f', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('compileFirewalls', () => {
  it('is undefined when no firewall applies to any droplet: everything is accepted', () => {
    expect(compileFirewalls({ droplets, firewalls: [] })).toBeUndefined();
    const elsewhere = { ...redisFirewall, tags: ['nobody'] };
    expect(compileFirewalls({ droplets, firewalls: [elsewhere] })).toBeUndefined();
  });

  it('guards exactly the droplets a firewall applies to, by tag or id (golden)', () => {
    const text = compileFirewalls({ droplets, firewalls: [redisFirewall] }) as string;
    expect(text).toMatchInlineSnapshot(`
      "table inet drillbook_firewall {
        chain forward {
          type filter hook forward priority filter; policy accept;
          ip daddr 169.254.169.254 accept
          jump cloud_firewall
        }
        chain input {
          type filter hook input priority filter; policy accept;
          ip daddr { 169.254.169.254, 169.254.169.253 } accept
          jump cloud_firewall
        }
        chain output {
          type filter hook output priority filter; policy accept;
          ip saddr { 169.254.169.254, 169.254.169.253 } accept
          jump cloud_firewall
        }
        chain cloud_firewall {
          ct state established,related ct mark 0x06ddac6f accept
          ct state established,related ct direction reply accept
          ip saddr { 10.10.0.10, 198.18.0.10 } jump out_1
          ip daddr { 10.10.0.10, 198.18.0.10 } jump in_1
          ip saddr { 10.10.0.11, 198.18.0.11 } jump out_2
          ip daddr { 10.10.0.11, 198.18.0.11 } jump in_2
          ct mark set 0x06ddac6f accept
        }
        chain out_1 {
          # redis-1: outbound rules of redis-fw
          ip daddr 10.10.0.0/24 meta l4proto tcp return
          drop
        }
        chain in_1 {
          # redis-1: inbound rules of redis-fw
          ip saddr 10.10.0.10 tcp dport 6379 return
          ip saddr 198.18.0.10 tcp dport 6379 return
          ip saddr 10.10.0.11 tcp dport 6379 return
          ip saddr 198.18.0.11 tcp dport 6379 return
          ip saddr 10.10.0.12 tcp dport 6379 return
          ip saddr 198.18.0.12 tcp dport 6379 return
          ip saddr 0.0.0.0/0 tcp dport 22 return
          ip6 saddr ::/0 tcp dport 22 return
          ip saddr 10.10.0.12 meta l4proto icmp return
          ip saddr 198.18.0.12 meta l4proto icmp return
          drop
        }
        chain out_2 {
          # redis-2: outbound rules of redis-fw
          ip daddr 10.10.0.0/24 meta l4proto tcp return
          drop
        }
        chain in_2 {
          # redis-2: inbound rules of redis-fw
          ip saddr 10.10.0.10 tcp dport 6379 return
          ip saddr 198.18.0.10 tcp dport 6379 return
          ip saddr 10.10.0.11 tcp dport 6379 return
          ip saddr 198.18.0.11 tcp dport 6379 return
          ip saddr 10.10.0.12 tcp dport 6379 return
          ip saddr 198.18.0.12 tcp dport 6379 return
          ip saddr 0.0.0.0/0 tcp dport 22 return
          ip6 saddr ::/0 tcp dport 22 return
          ip saddr 10.10.0.12 meta l4proto icmp return
          ip saddr 198.18.0.12 meta l4proto icmp return
          drop
        }
      }
      "
    `);
    nftCheck(replaceTableScript('inet', 'drillbook_firewall', text));
  });

  it('stamps connections with a mark that names the ruleset, so a change judges old connections again', () => {
    const mark = (text: string | undefined) => /ct mark set (0x[0-9a-f]{8}) accept/.exec(text ?? '')?.[1];
    const once = mark(compileFirewalls({ droplets, firewalls: [redisFirewall] }));
    expect(once).toBeDefined();
    expect(mark(compileFirewalls({ droplets, firewalls: [redisFirewall] }))).toBe(once);
    const narrower = { ...redisFirewall, inboundRules: redisFirewall.inboundRules.slice(1) };
    expect(mark(compileFirewalls({ droplets, firewalls: [narrower] }))).not.toBe(once);
  });

  it('drops all outbound traffic of a droplet whose firewalls have no outbound rule', () => {
    const inboundOnly = { ...redisFirewall, outboundRules: [] };
    const text = compileFirewalls({ droplets, firewalls: [inboundOnly] }) as string;
    expect(text).toContain('  chain out_1 {\n    # redis-1: outbound rules of redis-fw\n    drop\n  }');
    nftCheck(replaceTableScript('inet', 'drillbook_firewall', text));
  });

  it('unions every firewall that applies to a droplet', () => {
    const ssh: NetworkFirewall = {
      name: 'ssh-only',
      tags: [],
      dropletIds: [1],
      inboundRules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24'] } }],
      outboundRules: [{ protocol: 'udp', ports: '53', destinations: { addresses: ['10.10.0.2'] } }],
    };
    const text = compileFirewalls({ droplets, firewalls: [redisFirewall, ssh] }) as string;
    expect(text).toContain('# redis-1: inbound rules of redis-fw, ssh-only');
    expect(text).toContain('ip saddr 203.0.113.0/24 tcp dport 22 return');
    expect(text).toContain('ip daddr 10.10.0.2 udp dport 53 return');
    // redis-2 is not in ssh-only
    const in2 = text.slice(text.indexOf('chain in_2'));
    expect(in2).not.toContain('203.0.113.0/24');
    nftCheck(replaceTableScript('inet', 'drillbook_firewall', text));
  });

  it('follows tag membership and droplet ids, and an empty tag matches nothing', () => {
    const input: FirewallInput = {
      droplets,
      firewalls: [
        {
          name: 'fw',
          tags: [],
          dropletIds: [2],
          inboundRules: [
            { protocol: 'udp', ports: '8000-9000', sources: { tags: ['bastion'] } },
            { protocol: 'tcp', ports: '0', sources: { tags: ['empty'] } },
            { protocol: 'tcp', ports: '80', sources: { load_balancer_uids: ['lb-1'] } },
          ],
          outboundRules: [],
        },
      ],
    };
    const text = compileFirewalls(input) as string;
    const in2 = text.slice(text.indexOf('chain in_2'));
    expect(in2).toContain('ip saddr 10.10.0.12 udp dport 8000-9000 return');
    expect(in2).not.toMatch(/meta l4proto tcp return|dport 80 /);
    expect(text).not.toContain('out_1');
    nftCheck(replaceTableScript('inet', 'drillbook_firewall', text));
  });

  it('accepts a CIDR with host bits set, as its network', () => {
    expect(normalizeAddress('10.10.0.5/24')).toBe('10.10.0.0/24');
    expect(normalizeAddress('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(normalizeAddress('10.10.0.5')).toBe('10.10.0.5');
    const fw = {
      ...redisFirewall,
      inboundRules: [
        { protocol: 'tcp' as const, ports: '1', sources: { addresses: ['10.10.0.5/24', '10.10.0.0/16'] } },
      ],
    };
    nftCheck(
      replaceTableScript('inet', 'drillbook_firewall', compileFirewalls({ droplets, firewalls: [fw] })),
    );
  });
});

describe('rule pieces', () => {
  it('matches ports as DigitalOcean spells them', () => {
    expect(protocolMatch('tcp', '6379', 'ip')).toBe('tcp dport 6379');
    expect(protocolMatch('udp', '8000-9000', 'ip')).toBe('udp dport 8000-9000');
    expect(protocolMatch('tcp', 'all', 'ip')).toBe('meta l4proto tcp');
    expect(protocolMatch('udp', '0', 'ip6')).toBe('meta l4proto udp');
    expect(protocolMatch('icmp', '0', 'ip')).toBe('meta l4proto icmp');
    expect(protocolMatch('icmp', '0', 'ip6')).toBe('meta l4proto ipv6-icmp');
  });

  it('expands tags and ids to addresses once each', () => {
    expect(
      targetAddresses({ tags: ['redis'], droplet_ids: [1], addresses: ['10.10.0.10'] }, droplets),
    ).toEqual(['10.10.0.10', '198.18.0.10', '10.10.0.11', '198.18.0.11']);
  });

  it('replaces a table in one transaction, or only removes it', () => {
    expect(replaceTableScript('inet', 't', undefined)).toBe('table inet t\ndelete table inet t\n');
    nftCheck(replaceTableScript('inet', 'drillbook_firewall', undefined));
  });
});
