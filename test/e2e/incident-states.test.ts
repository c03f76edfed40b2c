// The shipped incident checklist, headless through the built CLI, against a Sentinel cluster built by hand
// (redis-server and redis-sentinel started by this test, not by drillbook: 127.88.1.x, 1 master, 2 replicas,
// 3 Sentinels) in five states, one set of processes: healthy; the master killed before the Sentinels act;
// after the failover (the dead old master listed as a down replica); the first Sentinel of the list down too
// (where the operator also chooses the forced failover, which a Sentinel that answers runs); then the quorum
// lost as well. In every state the run goes through every read-only step, records what is wrong as findings
// (exit 3) and carries on; a replica a Sentinel reports down is a finding by its address and is never
// connected to.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/contract/events.js';
import { renderMarkdownReport, summarizeRun } from '../../src/engine/report.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import {
  buildCli,
  failures,
  loadShippedRunbook,
  onlyJournal,
  removeCli,
  removeLabState,
  runCli,
  stepStatuses,
  tempStateHome,
} from './run-cli.js';

const runbook = 'runbooks/incident-master-down.md';
const forcedFailover = 'force-a-failover-only-if-you-chose-failover';
let cluster: TestRedisCluster;
let readOnlySteps: string[];
const stateHomes: string[] = [];

beforeAll(async () => {
  const loaded = await loadShippedRunbook(runbook);
  const kinds = loaded.steps.flatMap((step) => step.actions.map((action) => action.kind));
  // No shell for Redis or Sentinel: the checklist asks them through its own blocks.
  expect(kinds).not.toContain('sh');
  readOnlySteps = loaded.steps.map((step) => step.id).filter((id) => id !== forcedFailover);
  await buildCli();
  cluster = await startRedisCluster({
    subnet: '127.88.1',
    replicas: 2,
    downAfterMs: 1000,
    failoverTimeoutMs: 3000,
  });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  removeCli();
  for (const stateHome of stateHomes) await removeLabState(stateHome);
}, 60_000);

/** Read-only (escalate, every step but the forced failover), or the whole checklist with the failover chosen. */
async function runChecklist(decision: 'escalate' | 'failover' = 'escalate') {
  const stateHome = tempStateHome('drillbook-e2e-incident-states-');
  stateHomes.push(stateHome);
  const answers = {
    sentinels: cluster.sentinelAddresses,
    incident_id: 'INC-88',
    declared: 'done',
    notified: 'done',
    decision,
    notes: 'checked by the incident-states test',
    all_clear: 'done',
  };
  const args = [
    'run',
    runbook,
    '--json',
    ...Object.entries(answers).flatMap(([name, value]) => ['--var', `${name}=${value}`]),
    ...(decision === 'failover'
      ? ['--yes', '--allow-destroy']
      : readOnlySteps.flatMap((id) => ['--only', id])),
  ];
  const result = await runCli(args, {
    stateHome,
    env: { REDIS_PASSWORD: cluster.password },
    timeoutMs: 90_000,
  });
  const findings = result.events.filter(
    (e): e is Extract<EngineEvent, { type: 'action.finished' }> =>
      e.type === 'action.finished' && e.finding === true,
  );
  const finished = (id: string) =>
    result.events.find(
      (e): e is Extract<EngineEvent, { type: 'action.finished' }> =>
        e.type === 'action.finished' && e.id === id,
    );
  const output = (step: string) =>
    result.events.flatMap((e) => (e.type === 'action.output' && e.step === step ? [e.line] : []));
  const report = () => renderMarkdownReport(summarizeRun(onlyJournal(stateHome)));
  return { result, findings, finished, output, report };
}

type Run = Awaited<ReturnType<typeof runChecklist>>;

/** No step of the run ended other than passed: a finding does not fail its step. */
function expectAllPassed(run: Run, statuses: ReturnType<typeof stepStatuses>): void {
  expect(
    Object.entries(statuses).filter(([, status]) => status !== 'passed'),
    failures(run.result),
  ).toEqual([]);
}

/** Every read-only step ran to the end and passed; nothing was confirmed. */
function wentThrough(run: Run): void {
  const statuses = stepStatuses(run.result.events);
  expect(Object.keys(statuses)).toEqual(readOnlySteps);
  expectAllPassed(run, statuses);
  expect(run.result.events.filter((e) => e.type === 'confirm.answered')).toEqual([]);
}

async function sentinelCall(name: string, ...args: string[]): Promise<unknown> {
  const client = await cluster.client(name);
  return client.call('SENTINEL', ...args);
}

async function everySentinel(...args: string[]): Promise<void> {
  for (const sentinel of cluster.sentinels) await sentinelCall(sentinel.name, ...args);
}

async function until(what: string, holds: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await holds().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Records who connects to an address where a dead node was: the Sentinels do, drillbook must not. */
function listenAt(host: string, port: number): Promise<{ peers: string[]; server: Server }> {
  const peers: string[] = [];
  const server = createServer((socket: Socket) => {
    peers.push(socket.remoteAddress ?? '?');
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ peers, server }));
  });
}

describe('runbooks/incident-master-down.md headless against a cluster built by hand', () => {
  it('healthy: every check holds, no finding, exit 0; every replica Sentinel reports is checked by name', async () => {
    const run = await runChecklist();
    expect(run.result.code, failures(run.result)).toBe(0);
    wentThrough(run);
    expect(run.findings).toEqual([]);
    expect(run.finished('replica_links')?.data).toMatchObject({ ran: 2, failed: 0, passedOver: 0 });
    expect(run.report()).not.toContain('## Findings');
  }, 120_000);

  it("master down before the Sentinels act: findings for the master and the replicas' broken links; the run carries on", async () => {
    const master = cluster.node('redis-1');
    // The first seconds of the incident: Sentinel has not yet judged the master down.
    await everySentinel('SET', cluster.masterName, 'down-after-milliseconds', '60000');
    await cluster.kill('redis-1');
    const replicas = cluster.redis.filter((node) => node !== master);
    await until('both replicas see their link down', async () => {
      for (const replica of replicas) {
        const info = await (await cluster.client(replica.name)).info('replication');
        if (!info.includes('master_link_status:down')) return false;
      }
      return true;
    });
    const run = await runChecklist();
    expect(run.result.code, failures(run.result)).toBe(3);
    wentThrough(run);
    const found = run.findings.map((f) => `${f.step} ${f.id ?? f.kind}: ${f.error}`).join('\n');
    expect(found).toMatch(new RegExp(`replication-links-and-lag master_replication: [^\\n]*${master.host}`));
    expect(found).toMatch(/connection refused/i);
    // Both replicas are live and asked; each says its link to the master is down, by name.
    expect(run.finished('replica_links')?.data).toMatchObject({ ran: 2, failed: 2, passedOver: 0 });
    for (const replica of replicas)
      expect(run.output('replication-links-and-lag')).toContainEqual(
        expect.stringMatching(new RegExp(`^${replica.address}: failed: .*master_link_status`)),
      );
    expect(run.report()).toMatch(/## Findings \(\d+\)/);
  }, 120_000);

  it('after the failover: the dead old master, listed as a down replica, is a finding without a connection; the live replica is checked', async () => {
    const old = cluster.node('redis-1');
    await everySentinel('SET', cluster.masterName, 'down-after-milliseconds', '1000');
    await until('the Sentinels fail over', async () => (await cluster.currentMaster()) !== old.address);
    const newMaster = await cluster.currentMaster();
    const live = cluster.redis.find((n) => n !== old && n.address !== newMaster);
    if (!live) throw new Error('no live replica after the failover');
    await until('the live replica follows the new master', async () => {
      const info = await (await cluster.client(live.name)).info('replication');
      return (
        info.includes(`master_host:${newMaster.split(':')[0]}`) && info.includes('master_link_status:up')
      );
    });
    await until('Sentinel lists the old master as a down replica', async () => {
      const replicas = (await sentinelCall('sentinel-1', 'REPLICAS', cluster.masterName)) as string[][];
      return replicas.some((r) => r.join(' ').includes(old.host) && r.join(' ').includes('s_down'));
    });
    const listener = await listenAt(old.host, old.port);
    try {
      const run = await runChecklist();
      expect(run.result.code, failures(run.result)).toBe(3);
      wentThrough(run);
      const lines = run.output('replication-links-and-lag');
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${old.address}: passed over`)));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${live.address}: ok: `)));
      expect(run.finished('replica_links')?.data).toMatchObject({ ran: 1, failed: 0, passedOver: 1 });
      // The old master is the finding, by its address; the new master and the live replica are not.
      const replicaCheck = run.findings.find(
        (f) => f.step === 'replication-links-and-lag' && f.kind === 'check',
      );
      expect(replicaCheck?.error).toMatch(new RegExp(`${old.address.replaceAll('.', '\\.')}`));
      expect(replicaCheck?.error).not.toContain(live.address);
      expect(run.findings.filter((f) => f.id === 'master_replication')).toEqual([]);
      // Nothing but the Sentinels (which connect from their own addresses) knocked at the dead node's address.
      const sentinelHosts = cluster.sentinels.map((s) => s.host);
      expect(listener.peers.filter((peer) => !sentinelHosts.includes(peer.replace(/^::ffff:/, '')))).toEqual(
        [],
      );
    } finally {
      await new Promise((resolve) => listener.server.close(resolve));
    }
  }, 120_000);

  it('the first Sentinel of the list down as well: it is a finding, and every replica the others list is still looked at', async () => {
    const first = cluster.node('sentinel-1');
    const old = cluster.node('redis-1');
    await cluster.kill('sentinel-1');
    const run = await runChecklist();
    expect(run.result.code, failures(run.result)).toBe(3);
    wentThrough(run);
    const found = run.findings.map((f) => `${f.step} ${f.id ?? f.kind}: ${f.error}`).join('\n');
    expect(found).toMatch(
      new RegExp(`replication-links-and-lag reported: [^\\n]*${first.address.replaceAll('.', '\\.')}`),
    );
    // The replicas come from sentinel-2 and sentinel-3: the dead old master passed over, the live replica checked.
    const reported = run.finished('reported')?.data as
      | { replicas?: Array<{ seen_by: string[] }> }
      | undefined;
    expect(reported?.replicas).toHaveLength(2);
    for (const replica of reported?.replicas ?? [])
      expect(replica.seen_by).toEqual(['sentinel-2', 'sentinel-3'].map((name) => cluster.node(name).address));
    expect(run.output('replication-links-and-lag')).toContainEqual(
      expect.stringMatching(new RegExp(`^${old.address}: passed over`)),
    );
    expect(run.finished('replica_links')?.data).toMatchObject({ ran: 1, failed: 0, passedOver: 1 });
  }, 120_000);

  it('the first Sentinel of the list down, failover chosen: it goes to a Sentinel that answers, and the checklist completes it', async () => {
    const first = cluster.node('sentinel-1');
    const before = await cluster.currentMaster();
    const run = await runChecklist('failover');
    // Findings (the Sentinel that is down), but every step passed, the forced failover included.
    expect(run.result.code, failures(run.result)).toBe(3);
    const statuses = stepStatuses(run.result.events);
    expect(Object.keys(statuses)).toContain(forcedFailover);
    expectAllPassed(run, statuses);
    const sent = run.result.events.find(
      (e): e is Extract<EngineEvent, { type: 'action.finished' }> =>
        e.type === 'action.finished' && e.step === forcedFailover && e.kind === 'sentinel',
    );
    expect(sent).toMatchObject({ ok: true, data: { address: cluster.node('sentinel-2').address } });
    expect(run.finished('forced_switch')?.data).toMatchObject({ from: before });
    const after = await cluster.currentMaster();
    expect(after).not.toBe(before);
    // The Sentinel that is down is a finding in the step that asks every Sentinel, by its address.
    const found = run.findings.map((f) => `${f.step} ${f.id ?? f.kind}: ${f.error}`).join('\n');
    expect(found).toMatch(new RegExp(`views: [^\\n]*${first.address.replaceAll('.', '\\.')}`));
    // The next state needs the former master as the new master's replica. The Sentinels reconfigure it only
    // about 8 s after the switch (once it has reported the wrong role for a while): do now what they will do.
    const former = cluster.redis.find((node) => node.address === before);
    if (!former) throw new Error(`no node at ${before}`);
    const [host, port] = after.split(':');
    await (await cluster.client(former.name)).replicaof(host as string, port as string);
    await until('the former master follows the new one', async () => {
      const info = await (await cluster.client(former.name)).info('replication');
      return info.includes(`master_host:${after.split(':')[0]}`) && info.includes('master_link_status:up');
    });
  }, 120_000);

  it('quorum lost as well (two of three Sentinels down): NOQUORUM and the unreachable Sentinels are findings; the nodes are still checked', async () => {
    await cluster.kill('sentinel-2');
    await until('sentinel-3 judges the other two down', async () => {
      const others = (await sentinelCall('sentinel-3', 'SENTINELS', cluster.masterName)) as string[][];
      return others.length === 2 && others.every((fields) => fields.join(' ').includes('s_down'));
    });
    const run = await runChecklist();
    expect(run.result.code, failures(run.result)).toBe(3);
    wentThrough(run);
    const found = run.findings.map((f) => `${f.step} ${f.id ?? f.kind}: ${f.error}`).join('\n');
    expect(run.findings.find((f) => f.step === 'quorum-and-tilt' && f.id === 'quorum')?.error).toMatch(
      /NOQUORUM/,
    );
    expect(found).toMatch(new RegExp(cluster.node('sentinel-2').address.replaceAll('.', '\\.')));
    // The old master is still down (passed over); the live replica and the new master are checked.
    expect(run.finished('replica_links')?.data).toMatchObject({ ran: 1, failed: 0, passedOver: 1 });
    expect(run.finished('master_replication')?.ok).toBe(true);
  }, 120_000);
});
