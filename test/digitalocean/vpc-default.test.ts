// vpc.ensure in a region with no VPC yet, where DigitalOcean (and the emulator) makes the first VPC the
// region's undeletable default: the operator gets real alternatives — a separate default VPC first, adopting
// an existing VPC — and headless runs choose with a variable. Real emulator, real dots-wrapper client.
import { describe, expect, it } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import { headlessInteraction } from '../../src/commands/headless.js';
import type { PromptRequest } from '../../src/contract/action.js';
import { mutatingRequests, REDIS_PASSWORD, runDo, withEmulator } from './helpers.js';

// As the DR runbook writes it: every field from a variable.
const BODY = `op: vpc.ensure
name: "{{ vars.vpc_name }}"
region: "{{ vars.region }}"
ip_range: "{{ vars.vpc_range }}"
if_default: "{{ vars.vpc_default }}"`;

const api = withEmulator({}, { each: true });

function vars(vpcDefault: string) {
  return {
    redis_password: REDIS_PASSWORD,
    vpc_name: 'dr-vpc',
    region: 'sfo3',
    vpc_range: '10.40.0.0/24',
    vpc_default: vpcDefault,
  };
}

const pick = (prefix: string) => (request: PromptRequest) => {
  const choice = request.choices?.find((c) => c.startsWith(prefix));
  if (!choice) throw new Error(`no choice starting "${prefix}" in ${JSON.stringify(request.choices)}`);
  return choice;
};

async function vpcsByName(): Promise<Record<string, { default: boolean; ip_range: string; region: string }>> {
  const response = await fetch(`${api.emulator.url}/vpcs`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  const { vpcs } = (await response.json()) as {
    vpcs: Array<{ name: string; default: boolean; ip_range: string; region: string }>;
  };
  return Object.fromEntries(vpcs.map((vpc) => [vpc.name, vpc]));
}

describe('vpc.ensure when the VPC would become the region default', () => {
  it('asks; a separate default VPC with the name and range the operator gives keeps the cluster VPC deletable', async () => {
    const run = await runDo(BODY, api.target, {
      vars: vars('ask'),
      answers: [pick('first create default-sfo3'), 'sfo3-default', '10.41.0.0/24'],
    });
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    const [choice] = run.t.asked;
    expect(choice?.question).toMatch(
      /sfo3 has no VPC yet.*never be deleted.*--var vpc_default=accept\|separate\|stop/,
    );
    expect(choice?.choices?.[0]).toMatch(/^create dr-vpc anyway: it becomes sfo3's default/);
    expect(choice?.choices?.at(-1)).toBe('stop here');
    expect(run.outcome.data).toMatchObject({ name: 'dr-vpc', default: false, created: true });

    const vpcs = await vpcsByName();
    expect(vpcs['sfo3-default']).toMatchObject({ default: true, region: 'sfo3', ip_range: '127.41.0.0/24' });
    expect(vpcs['dr-vpc']).toMatchObject({ default: false });
    // The point of it: the teardown removes the cluster's VPC entirely.
    const gone = await runDo('op: vpc.delete\nname: dr-vpc', api.target);
    expect(gone.outcome).toMatchObject({ ok: true, summary: 'VPC dr-vpc deleted' });
  });

  it('adopting an existing VPC creates nothing and points the variables of later steps at it', async () => {
    const home = await runDo(
      'op: vpc.ensure\nname: fra1-net\nregion: fra1\nip_range: 10.30.0.0/24\nif_default: accept',
      api.target,
    );
    expect(home.outcome.data).toMatchObject({ default: true });
    const before = mutatingRequests(api.emulator).length;

    const run = await runDo(BODY, api.target, { vars: vars('ask'), answers: [pick('adopt fra1-net')] });
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    expect(run.outcome.data).toMatchObject({ name: 'fra1-net', region: 'fra1', created: false });
    expect(mutatingRequests(api.emulator)).toHaveLength(before);
    expect(run.t.published).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'vars.vpc_name', value: 'fra1-net' }),
        expect.objectContaining({ path: 'vars.region', value: 'fra1' }),
        expect.objectContaining({ path: 'vars.vpc_range', value: '127.30.0.0/24' }),
      ]),
    );
    expect(run.t.output.map((o) => o.line).join('\n')).toContain(
      '--var vpc_name=fra1-net --var region=fra1 --var vpc_range=127.30.0.0/24',
    );
  });

  it('headless: ask accepts and says how to choose; separate needs no answer; stop creates nothing and names the flags', async () => {
    const headless = headlessInteraction({ yes: true });
    const asked = await runDo(BODY, api.target, {
      vars: vars('ask'),
      answers: [(request) => headless.ask(request, new AbortController().signal)],
    });
    expect(asked.outcome.data).toMatchObject({ name: 'dr-vpc', default: true, created: true });
    expect(asked.t.output.map((o) => o.line)).toContainEqual(
      expect.stringMatching(/became the default VPC of sfo3/),
    );

    const separate = await runDo(BODY, api.target, {
      vars: { ...vars('separate'), region: 'ams3', vpc_name: 'ams-vpc', vpc_range: '10.50.0.0/24' },
    });
    expect(separate.outcome.ok, separate.outcome.error).toBe(true);
    expect(separate.t.asked).toEqual([]);
    const vpcs = await vpcsByName();
    expect(vpcs['default-ams3']).toMatchObject({ default: true, region: 'ams3' });
    expect(vpcs['ams-vpc']).toMatchObject({ default: false });

    const before = mutatingRequests(api.emulator).length;
    const stopped = await runDo(BODY, api.target, {
      vars: { ...vars('stop'), region: 'lon1', vpc_name: 'lon-vpc' },
    });
    expect(stopped.outcome.ok).toBe(false);
    expect(stopped.outcome.error).toMatch(
      /lon1 has no VPC yet.*--var vpc_default=separate.*--var vpc_default=accept.*--var vpc_name=NAME --var vpc_range=ITS_RANGE --var region=ITS_REGION/,
    );
    expect(mutatingRequests(api.emulator)).toHaveLength(before);
  });

  it('asked: stop here creates nothing; the headless words pick their choice too; an answer not offered is refused', async () => {
    const before = mutatingRequests(api.emulator).length;
    const stopped = await runDo(BODY, api.target, { vars: vars('ask'), answers: ['stop here'] });
    expect(stopped.outcome.ok).toBe(false);
    expect(stopped.outcome.error).toMatch(/sfo3 has no VPC yet.*stopped as asked/);

    const unknown = await runDo(BODY, api.target, { vars: vars('ask'), answers: ['maybe later'] });
    expect(unknown.outcome.ok).toBe(false);
    expect(unknown.outcome.error).toMatch(
      /"maybe later" is not one of the choices offered for dr-vpc: create dr-vpc anyway.*\| stop here/,
    );
    expect(mutatingRequests(api.emulator)).toHaveLength(before);

    const accepted = await runDo(BODY, api.target, { vars: vars('ask'), answers: ['accept'] });
    expect(accepted.outcome.data).toMatchObject({ name: 'dr-vpc', default: true, created: true });
  });

  it('a region that already has a VPC asks nothing; a wrong if_default is refused at check time', async () => {
    await runDo(
      'op: vpc.ensure\nname: home\nregion: sfo3\nip_range: 10.60.0.0/24\nif_default: accept',
      api.target,
    );
    const run = await runDo(BODY, api.target, { vars: vars('ask') });
    expect(run.outcome.ok, run.outcome.error).toBe(true);
    expect(run.t.asked).toEqual([]);
    expect(run.outcome.data).toMatchObject({ name: 'dr-vpc', default: false });

    const problems: string[] = [];
    doKind.parse({ attrs: {}, body: 'op: vpc.ensure\nname: x\nregion: sfo3\nif_default: maybe' }, (p) =>
      problems.push(p.message),
    );
    expect(problems).toEqual(['if_default: must be ask, accept, separate, stop']);
  });
});
