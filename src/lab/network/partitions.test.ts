import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { requirePackages } from '../../../test/helpers/system.js';
import { replaceTableScript } from './firewall-compile.js';
import { compilePartitions, describePartition, type Partition, partitionProblem } from './partitions.js';

// Every compiled table is checked by nft itself (check mode: nothing is committed).
beforeAll(() => requirePackages('nftables'));

const a = { name: 'redis-1', addresses: ['10.10.0.10', '198.18.0.10'] };
const b = { name: 'redis-2', addresses: ['10.10.0.11', '198.18.0.11'] };
const c = { name: 'redis-3', addresses: ['10.10.0.12', '198.18.0.12'] };

const nftCheck = (script: string) =>
  execFileSync('nft', ['-c', '-f', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });

describe('compilePartitions', () => {
  it('has no table when nothing is partitioned', () => {
    expect(compilePartitions([])).toBeUndefined();
  });

  it('drops both directions between two sets, before the firewall (golden)', () => {
    const split: Partition = { name: 'split', from: [a], to: [b, c], direction: 'both' };
    const text = compilePartitions([split]) as string;
    expect(text).toMatchInlineSnapshot(`
      "table inet drillbook_faults {
        chain forward {
          type filter hook forward priority filter - 10; policy accept;
          # split: redis-1 ⇹ redis-2, redis-3
          ip saddr { 10.10.0.10, 198.18.0.10 } ip daddr { 10.10.0.11, 198.18.0.11, 10.10.0.12, 198.18.0.12 } drop
          ip saddr { 10.10.0.11, 198.18.0.11, 10.10.0.12, 198.18.0.12 } ip daddr { 10.10.0.10, 198.18.0.10 } drop
        }
        chain input {
          type filter hook input priority filter - 10; policy accept;
        }
        chain output {
          type filter hook output priority filter - 10; policy accept;
        }
      }
      "
    `);
    nftCheck(replaceTableScript('inet', 'drillbook_faults', text));
  });

  it('drops one direction only when asked', () => {
    const text = compilePartitions([{ name: 'half', from: [a], to: [b], direction: 'one-way' }]) as string;
    expect(text).toContain('ip saddr { 10.10.0.10, 198.18.0.10 } ip daddr { 10.10.0.11, 198.18.0.11 } drop');
    expect(text).not.toContain('ip saddr { 10.10.0.11, 198.18.0.11 } ip daddr');
    nftCheck(replaceTableScript('inet', 'drillbook_faults', text));
  });

  it("isolates from the operator's side only, keeping the metadata service", () => {
    const cut: Partition = { name: 'dark', from: [a], to: 'operator', direction: 'both' };
    const text = compilePartitions([cut]) as string;
    expect(text).toContain('ip saddr { 10.10.0.10, 198.18.0.10 } ip daddr != 169.254.169.254 drop');
    expect(text).toContain('ip daddr { 10.10.0.10, 198.18.0.10 } ip saddr != 169.254.169.254 drop');
    expect(text.slice(text.indexOf('chain forward'), text.indexOf('chain input'))).not.toContain('drop');
    expect(describePartition(cut)).toBe("redis-1 ⇹ the operator's side");
    nftCheck(replaceTableScript('inet', 'drillbook_faults', text));
  });

  it('holds several partitions at once', () => {
    const text = compilePartitions([
      { name: 'one', from: [a], to: [b], direction: 'both' },
      { name: 'two', from: [c], to: 'operator', direction: 'one-way' },
    ]) as string;
    expect(text).toContain('# one: redis-1 ⇹ redis-2');
    expect(text).toContain("# two: redis-3 → the operator's side");
    nftCheck(replaceTableScript('inet', 'drillbook_faults', text));
  });
});

describe('partitionProblem', () => {
  it('names what is wrong', () => {
    expect(partitionProblem({ name: 'x', from: [], to: [b], direction: 'both' })).toMatch(
      /from= names no droplet/,
    );
    expect(partitionProblem({ name: 'x', from: [a], to: [], direction: 'both' })).toMatch(
      /to= names no droplet/,
    );
    expect(partitionProblem({ name: 'x', from: [a, b], to: [b], direction: 'both' })).toMatch(
      /redis-2 cannot be on both sides/,
    );
    expect(
      partitionProblem({
        name: 'x',
        from: [{ name: 'new', addresses: [] }],
        to: 'operator',
        direction: 'both',
      }),
    ).toMatch(/new has no address/);
    expect(partitionProblem({ name: 'x', from: [a], to: [b], direction: 'both' })).toBeUndefined();
  });
});
