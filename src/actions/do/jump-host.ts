// The droplet a runbook marks `jump_host: true` becomes the run's SSH jump host: every later Redis/Sentinel
// connection goes through it (targets/redis/ssh-tunnel.ts reads `jump_host.via`), unless --via overrides.
// The loopback lab runs no sshd, so there the jump host is reported as direct — said, never faked.
import { connect } from 'node:net';
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

/** Whether anything accepts TCP on host:22 within a second (the lab's containers run sshd there). */
function sshAnswers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 22, timeout: 1000 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
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
  } else if (target.name === 'lab' && !(await sshAnswers(jump.public_ip))) {
    data = {
      ...base,
      via: '',
      direct: true,
      reason: `no SSH server answers on ${jump.public_ip}:22 — the loopback lab runs no sshd, so Redis and Sentinel steps connect directly to the nodes' loopback addresses (on DigitalOcean and in the container lab they go through ${jump.name})`,
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
