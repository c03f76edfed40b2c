// Event feed lines from the timeline of a real crash failover (recorded in a lab run of the training
// runbook): who saw each event, when first, and the part that matters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type FeedEntry, feedLine, shortSentinelName } from '../../src/drill/feed-line.js';

const { entries } = JSON.parse(
  readFileSync(new URL('../../fixtures/drill/failover-feed.json', import.meta.url), 'utf8'),
) as { entries: FeedEntry[] };
const find = (name: string, nth = 0) => entries.filter((e) => e.name === name)[nth] as FeedEntry;

describe('feed lines', () => {
  it('+switch-master seen by all three Sentinels: 3/3 and the new address, not the raw payload', () => {
    expect(feedLine(find('+switch-master'), 3)).toMatchObject({
      time: '11.49s',
      who: '3/3',
      name: '+switch-master',
      what: '→ 127.83.0.11:6379 (was 127.83.0.10:6379)',
    });
  });

  it('names the one Sentinel that saw an event, and counts the ones that agreed', () => {
    expect(feedLine(find('+elected-leader'), 3)).toMatchObject({
      who: 'sentinel-2',
      what: 'master 127.83.0.10:6379',
    });
    expect(feedLine(find('+odown'), 3)).toMatchObject({ who: '2/3', what: 'master 127.83.0.10:6379' });
    expect(feedLine(find('+promoted-slave'), 3).what).toBe('replica 127.83.0.11:6379 of 127.83.0.10:6379');
    expect(feedLine(find('+vote-for-leader'), 3).what).toBe('leader 31f81710 epoch 1');
    expect(feedLine(find('+new-epoch'), 3)).toMatchObject({ who: '3/3', what: 'epoch 1' });
  });

  it('keeps faults and probe milestones as they are, under their source', () => {
    expect(feedLine(find('power_off'), 3)).toMatchObject({
      who: 'fault',
      what: 'training-redis-1 127.83.0.10',
    });
    expect(feedLine(find('probe-recovered'), 3)).toMatchObject({
      who: 'probe',
      what: 'crash wrote to 127.83.0.11:6379',
    });
  });

  it('the full view keeps every detail, with who saw it when', () => {
    expect(feedLine(find('+sdown'), 3).full).toBe(
      'master mymaster 127.83.0.10 6379 · seen by sentinel-3 +0ms, sentinel-2 +28ms, sentinel-1 +60ms',
    );
  });

  it('shortens lab Sentinel names to the part that tells them apart', () => {
    expect(shortSentinelName('training-sentinel-2')).toBe('sentinel-2');
    expect(shortSentinelName('sentinel-1')).toBe('sentinel-1');
    expect(shortSentinelName('127.83.0.12:26379')).toBe('….0.12:26379');
  });
});
