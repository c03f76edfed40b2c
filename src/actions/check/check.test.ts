import { describe, expect, it } from 'vitest';
import {
  createTestContext,
  parsedAction,
  TEST_SECRET_MASK,
  type TestContextOptions,
} from '../test-context.js';
import { checkAction } from './index.js';

const results = {
  replication: { role: 'slave', connected_slaves: '2', offset: 1500, link: 'up', ok: true, none: null },
  info: {
    version: '7.0.15',
    port: 6379,
    portText: '6379',
    name: 'redis-1',
    tags: ['prod', 'redis', 3],
    node: { ip: '127.10.0.11', port: 6379 },
    log: 'started; ERROR: disk full; retrying',
  },
};

async function check(body: string, options: TestContextOptions = {}) {
  const { spec, action } = parsedAction(checkAction, { body });
  const t = createTestContext({
    results,
    vars: { port: '6379', role: 'slave', password: 'hunter2' },
    secretVars: ['password'],
    ...options,
    action: { ...action, bodyLine: 20, ...options.action },
    runbook: { file: 'book.md' },
  });
  return checkAction.run(spec, t.ctx);
}

/** The verdict of each line, in order. */
async function verdicts(body: string): Promise<boolean[]> {
  return ((await check(body)).checks ?? []).map((c) => c.ok);
}

describe('check run', () => {
  it('== and != compare numbers numerically and text exactly', async () => {
    expect(
      await verdicts(
        [
          'replication.connected_slaves == 2',
          'replication.connected_slaves == 2.0',
          'info.port == "6379"',
          'info.portText == 6379',
          'replication.offset == 1.5e3',
          'replication.role == slave',
          'replication.role == "slave"',
          'replication.role == SLAVE',
          'replication.ok == true',
          'replication.none == null',
          'info.version != 7',
          'replication.role != master',
          'replication.role != slave',
        ].join('\n'),
      ),
    ).toEqual([true, true, true, true, true, true, true, false, true, true, true, true, false]);
  });

  it('ordering operators compare numbers, including numeric text and references', async () => {
    expect(
      await verdicts(
        [
          'replication.connected_slaves >= 2',
          'replication.connected_slaves > 2',
          'replication.offset < 1501',
          'replication.offset <= 1499',
          'info.portText <= {{ vars.port }}',
          'info.port > "10"',
          'replication.offset < 1500',
          'replication.offset <= 1500',
          'replication.offset > 1500',
          'replication.offset >= 1500',
          'replication.offset >= 1501',
        ].join('\n'),
      ),
    ).toEqual([true, false, true, false, true, true, false, true, false, true, false]);
  });

  it('explains a type mismatch instead of comparing text with a number', async () => {
    const [order, equal] = (await check('replication.role > 1\nreplication.link == 1')).checks ?? [];
    expect(order).toMatchObject({ ok: false, expected: '> 1', actual: '"slave" (text, not a number)' });
    expect(equal).toMatchObject({ ok: false, expected: '== 1', actual: '"up" (text, not a number)' });
    const [versus] = (await check('info.port < {{ replication.role }}')).checks ?? [];
    expect(versus).toMatchObject({
      ok: false,
      expected: '< {{ replication.role }} (= slave) (text, not a number)',
    });
    const [object] = (await check('info.node == 127.10.0.11')).checks ?? [];
    expect(object?.actual).toBe('{"ip":"127.10.0.11","port":6379} (an object; compare one of its fields)');
    // Text that is not a number is not equal to one; text cannot be ordered against one, nor an object equal a word.
    expect([order?.undecided, equal?.undecided, versus?.undecided, object?.undecided]).toEqual([
      'text, not a number',
      undefined,
      'text, not a number',
      'an object; compare one of its fields',
    ]);
  });

  it('matches tests text against a regex with flags', async () => {
    expect(
      await verdicts(
        [
          'info.version matches /^7\\.0\\.\\d+$/',
          'replication.role matches /^SLAVE$/i',
          'replication.role matches /^master$/',
          'info.port matches /^63/',
          'info.node matches /ip/',
        ].join('\n'),
      ),
    ).toEqual([true, true, false, true, false]);
    const [object] = (await check('info.node matches /ip/')).checks ?? [];
    expect(object?.actual).toContain('(an object, not text)');
  });

  it('in looks for the value among a list of numbers, text and references', async () => {
    expect(
      await verdicts(
        [
          'replication.role in [master, slave]',
          'replication.role in ["master", "replica"]',
          'info.portText in [6379, 6380]',
          'replication.role in [{{ vars.role }}]',
          'replication.role in []',
        ].join('\n'),
      ),
    ).toEqual([true, false, true, true, false]);
    const [listed] = (await check('replication.role in [master, {{ vars.role }}]')).checks ?? [];
    expect(listed?.expected).toBe('in [master, {{ vars.role }}] (= [master, slave])');
  });

  it('contains works on text, lists and object keys', async () => {
    expect(
      await verdicts(
        [
          'info.log contains "ERROR: disk"',
          'info.log contains warning',
          'info.tags contains redis',
          'info.tags contains 3',
          'info.tags contains "3"',
          'info.tags contains dev',
          'info.node contains ip',
          'info.node contains host',
          'info.port contains 63',
        ].join('\n'),
      ),
    ).toEqual([true, false, true, true, true, false, true, false, false]);
    const [number] = (await check('info.port contains 63')).checks ?? [];
    expect(number?.actual).toBe('6379 (a number; contains works on text, lists and objects)');
  });

  it('a missing path is a failing result naming the missing segment, not an exception', async () => {
    const outcome = await check(
      'replication.lag == 0\nnodes.redis-9.role == master\ninfo.port == {{ vars.nope }}',
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.checks).toEqual([
      {
        ok: false,
        description: 'replication.lag == 0',
        expected: '== 0',
        actual: '<missing: segment "lag" not found in replication>',
        undecided: 'segment "lag" not found in replication',
      },
      {
        ok: false,
        description: 'nodes.redis-9.role == master',
        expected: '== master',
        actual: '<missing: segment "nodes" not found>',
        undecided: 'segment "nodes" not found',
      },
      {
        ok: false,
        description: 'info.port == {{ vars.nope }}',
        expected: '== {{ vars.nope }} <missing: segment "nope" not found in vars>',
        actual: 'not compared',
        undecided: 'segment "nope" not found in vars',
      },
    ]);
  });

  it('a missing path fails != too, so within= waits for the value to exist', async () => {
    const outcome = await check('replication.lag != 0');
    expect(outcome.checks?.[0]).toMatchObject({
      ok: false,
      actual: '<missing: segment "lag" not found in replication>',
    });
  });

  it('summarises passes and failures, with file:line and what to do next', async () => {
    const passed = await check('replication.link == up\nreplication.offset > 0');
    expect(passed).toMatchObject({
      ok: true,
      summary: '2/2 checks passed',
      data: { passed: 2, failed: 0, total: 2 },
    });
    expect(passed.view).toEqual({ kind: 'checks' });

    const failed = await check(
      'replication.link == up\n# comment\nreplication.role == master\ninfo.port < 100',
    );
    expect(failed.summary).toBe('2 of 3 failed: replication.role expected == master, got slave');
    expect(failed.data).toEqual({ passed: 1, failed: 2, total: 3 });
    expect(failed.error).toBe(
      [
        'book.md:22: replication.role expected == master, got slave',
        'book.md:23: info.port expected < 100, got 6379',
        'hint: to wait for the system to converge, put expect="…" with within=30s on the block that reads it (redis, sentinel, sh, http) — a check only compares results it already has; otherwise fix what the step checks',
      ].join('\n'),
    );
    const within = await check('replication.role == master', { action: { withinMs: 30_000 } });
    expect(within.error).toContain('are not read again while a check waits; to poll the system, put expect=');
  });

  it('never shows a secret in results, summary or error', async () => {
    const outcome = await check('vars.password == "wrong"\nvars.password == {{ vars.password }}');
    const shown = JSON.stringify(outcome);
    expect(shown).not.toContain('hunter2');
    expect(outcome.checks?.[0]).toMatchObject({ ok: false, actual: TEST_SECRET_MASK });
    expect(outcome.checks?.[1]?.ok).toBe(true);
    // Why a value is missing can quote the runbook's selector, which may hold the secret itself.
    const missing = await check('info.tags[name=hunter2] == 1');
    expect(JSON.stringify(missing)).not.toContain('hunter2');
    expect(missing.checks?.[0]?.actual).toBe(
      `<missing: no element of info.tags has name == ${TEST_SECRET_MASK}>`,
    );
  });

  it('is pure: evaluating again sees new results', async () => {
    const { spec, action } = parsedAction(checkAction, { body: 'replication.role == master' });
    const t = createTestContext({ results: { replication: { role: 'slave' } }, action });
    expect((await checkAction.run(spec, t.ctx)).ok).toBe(false);
    t.ctx.publish('replication.role', 'master');
    expect((await checkAction.run(spec, t.ctx)).ok).toBe(true);
    expect(t.output).toEqual([]);
  });

  it('previews each comparison', () => {
    const { spec, action } = parsedAction(checkAction, { body: 'a.b == 1\n# c\nx.y matches /z/' });
    const t = createTestContext({ action });
    expect(checkAction.preview(spec, t.ctx)).toEqual(['check a.b == 1', 'check x.y matches /z/']);
  });

  it('compares lists: empty, equal content, length(), negated contains and matches', async () => {
    const { spec, action } = parsedAction(checkAction, {
      body: [
        'views.none == []',
        'views.tags == [prod, redis, 3]',
        'views.tags != []',
        'length(views.none) == 0',
        'length(views.tags) == 3',
        'length(views.byNode) == 2',
        'views.tags !contains dev',
        'views.tags !contains redis',
        'views.log !matches /ERROR/',
        'views.log !matches /disk/',
      ].join('\n'),
    });
    const t = createTestContext({
      action,
      results: {
        views: {
          none: [],
          tags: ['prod', 'redis', 3],
          byNode: { 's-1': {}, 's-2': {} },
          log: 'all fine; disk 40%',
        },
      },
    });
    const outcome = await checkAction.run(spec, t.ctx);
    expect(outcome.checks?.map((c) => c.ok)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      true,
      false,
    ]);
  });

  it('finds an element by field, whatever the order, and says which field matched nothing', async () => {
    const replicas = [
      { ip: '127.0.0.12', port: 6379, state: 'online' },
      { ip: '127.0.0.11', port: 6379, state: 'wait_bgsave' },
    ];
    const { spec, action } = parsedAction(checkAction, {
      body: [
        'info.replicas[ip=127.0.0.11].state == wait_bgsave',
        'info.replicas[ip={{ vars.ip }}].state == online',
        'info.byNode[node="sentinel-2"].tilt == false',
        'info.replicas[ip=127.0.0.99].state == online',
        'length(info.replicas[state=online].ip) == 10',
      ].join('\n'),
    });
    const t = createTestContext({
      action,
      vars: { ip: '127.0.0.12' },
      results: {
        info: {
          replicas,
          byNode: {
            'sentinel-1': { node: 'sentinel-1', tilt: true },
            'sentinel-2': { node: 'sentinel-2', tilt: false },
          },
        },
      },
    });
    const outcome = await checkAction.run(spec, t.ctx);
    expect(outcome.checks?.map((c) => c.ok)).toEqual([true, true, true, false, true]);
    expect(outcome.checks?.[3]?.actual).toBe('<missing: no element of info.replicas has ip == 127.0.0.99>');
    expect(outcome.error).toContain('info.replicas[ip=127.0.0.99].state expected == online');
  });

  it('renders {{ path }} inside a quoted value before comparing', async () => {
    const { spec, action } = parsedAction(checkAction, {
      body: [
        'agreement.master == "{{ node.ip }}:{{ node.port }}"',
        'agreement.master == "{{ node.ip }}:6380"',
        'agreement.master == "{{ node.gone }}:6379"',
      ].join('\n'),
    });
    const t = createTestContext({
      action,
      results: { agreement: { master: '127.0.0.11:6379' }, node: { ip: '127.0.0.11', port: 6379 } },
    });
    const [both, wrong, missing] = (await checkAction.run(spec, t.ctx)).checks ?? [];
    expect(both).toMatchObject({
      ok: true,
      expected: '== "{{ node.ip }}:{{ node.port }}" (= 127.0.0.11:6379)',
    });
    expect(wrong).toMatchObject({ ok: false, actual: '127.0.0.11:6379' });
    expect(missing).toMatchObject({ ok: false, actual: 'not compared' });
  });
});
