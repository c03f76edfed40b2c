// The droplet a runbook marks `jump_host: true` becomes the run's SSH jump host: every later Redis/Sentinel
// connection goes through it (targets/redis/ssh-tunnel.ts reads `jump_host.via`), unless --via overrides.
// The loopback lab (private addresses on 127.0.0.0/8) runs no sshd, so there the jump host is reported as
// direct — said, never faked. The container lab gives droplets real private addresses and real sshd.
import type { ActionContext } from '../../contract/action.js';
import type { DropletSummary } from '../../targets/digitalocean/droplets.js';
import { DoStepError } from '../../targets/digitalocean/session.js';

export interface JumpHostData {
  name: string;
  public_ip: string | null;
  private_ip: string | null;
  /** ssh://root@<public ip>:22, or '' when the run reaches the nodes directly (loopback lab). */
  via: string;
  direct: boolean;
  reason?: string;
}

export async function publishJumpHost(ctx: ActionContext, droplets: DropletSummary[]): Promise<JumpHostData> {
  const [jump, ...others] = droplets;
  if (!jump || others.length > 0) {
    throw new DoStepError('jump_host: true needs exactly one droplet in names: (the jump host)');
  }
  if (!jump.public_ip) {
    throw new DoStepError(
      `jump host ${jump.name} has no public address yet; wait: active is needed with jump_host`,
    );
  }
  const target = await ctx.target();
  const base = { name: jump.name, public_ip: jump.public_ip, private_ip: jump.private_ip };
  let data: JumpHostData;
  const override = ctx.vars.via;
  if (override) {
    data = { ...base, via: override, direct: false, reason: `--via ${override} overrides ${jump.name}` };
  } else if (target.name === 'lab' && jump.private_ip?.startsWith('127.')) {
    data = {
      ...base,
      via: '',
      direct: true,
      reason: `the loopback lab runs no sshd (its private addresses are loopback ones), so Redis and Sentinel steps connect directly to the nodes' addresses; on DigitalOcean and in the container lab they go through ${jump.name}`,
    };
  } else {
    data = { ...base, via: `ssh://root@${jump.public_ip}:22`, direct: false };
  }
  ctx.output(
    data.direct || override
      ? `jump host ${jump.name}: ${data.reason}`
      : `jump host ${jump.name}: later Redis and Sentinel steps go through ${data.via} (--via overrides)`,
    'info',
  );
  ctx.publish('jump_host', data);
  return data;
}
