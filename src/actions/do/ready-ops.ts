// droplets.ready: `status: active` means the VM booted, not that cloud-init installed Redis. This waits
// for `cloud-init status --wait` on every droplet over SSH through the run's jump host, bounded by the
// step's timeout=, and on failure shows the tail of /var/log/cloud-init-output.log.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext, ActionOutcome } from '../../contract/action.js';
import { listDroplets, summarizeDroplet } from '../../targets/digitalocean/droplets.js';
import { type ApiSession, DoStepError } from '../../targets/digitalocean/session.js';
import { execBehindJump } from '../../targets/redis/ssh-exec.js';
import { runTunnel } from '../../targets/redis/ssh-tunnel.js';
import type { SpecOf } from './schema.js';

/** Boot plus apt installing Redis on a small droplet takes minutes; a broken mirror should not hang forever. */
export const READY_WAIT_MS = 15 * 60_000;
const LOG_TAIL = 'tail -n 25 /var/log/cloud-init-output.log';
const SSHD_NOT_UP = /Connection refused|ECONNREFUSED|Connection lost before handshake/;

/**
 * An active droplet's sshd starts a few seconds after boot (later still on a busy machine): a refused
 * connection to it is retried until the deadline; any other failure is not. A connection that a forwarder
 * in front of the droplet accepted and then dropped because nothing listens behind it yet (ssh2: "Connection
 * lost before handshake", the container lab's public addresses) is the same refusal one hop later.
 */
async function whenSshdListens<T>(
  attempt: () => Promise<T>,
  deadline: number,
  signal: AbortSignal,
): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!SSHD_NOT_UP.test((error as Error).message) || Date.now() >= deadline) throw error;
      await sleep(1_000, undefined, { signal });
    }
  }
}

export async function dropletsReadyOp(
  session: ApiSession,
  spec: SpecOf<'droplets.ready'>,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const listed = await listDroplets(session);
  const droplets = spec.names.map((name) => {
    const droplet = listed.find((candidate) => candidate.name === name);
    if (!droplet) throw new DoStepError(`no droplet named ${name}; create it first (droplets.ensure)`);
    return summarizeDroplet(droplet);
  });
  const open = runTunnel(ctx);
  if (!open) {
    const target = await ctx.target();
    if (target.name === 'lab') {
      return {
        ok: true,
        summary: `${droplets.length} droplets ready: the loopback lab applies user_data before a droplet turns active (no cloud-init to wait for)`,
        data: { ready: spec.names, via: 'lab' },
      };
    }
    throw new DoStepError(
      'waiting for cloud-init needs SSH to the droplets: provision a jump host first (droplets.ensure with jump_host: true) or pass --via ssh://user@bastion',
    );
  }
  const timeoutMs = ctx.action.timeoutMs ?? READY_WAIT_MS;
  // The jump host is as new as the nodes: its sshd may not listen yet either.
  const tunnel = await whenSshdListens(open, Date.now() + timeoutMs, ctx.signal);
  let done = 0;
  ctx.progress(
    `waiting for cloud-init on ${droplets.length} droplets via ${tunnel.label}`,
    0,
    droplets.length,
  );
  const failures: string[] = [];
  await Promise.all(
    droplets.map(async (droplet) => {
      const where = `${droplet.name} (${droplet.private_ip})`;
      if (!droplet.private_ip) {
        failures.push(`${droplet.name}: no private address yet`);
        return;
      }
      try {
        const privateIp = droplet.private_ip;
        const status = await whenSshdListens(
          () =>
            execBehindJump(tunnel, privateIp, 'cloud-init status --wait', {
              timeoutMs,
              signal: ctx.signal,
            }),
          Date.now() + timeoutMs,
          ctx.signal,
        );
        const text = `${status.stdout}${status.stderr}`.trim().split('\n').at(-1) ?? '';
        if (status.code === 0) {
          done++;
          ctx.progress(`cloud-init done on ${done} of ${droplets.length} droplets`, done, droplets.length);
          ctx.output(`${where}: ${text || 'cloud-init done'}`, 'info');
          return;
        }
        const log = await execBehindJump(tunnel, droplet.private_ip, LOG_TAIL, {
          timeoutMs: 30_000,
          signal: ctx.signal,
        }).catch((error: Error) => ({ stdout: `(could not read the log: ${error.message})`, stderr: '' }));
        failures.push(
          `${where}: cloud-init status exited ${status.code} (${text}); last lines of /var/log/cloud-init-output.log:\n${ctx.redact(log.stdout.trimEnd())}`,
        );
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        failures.push(`${where}: ${(error as Error).message}`);
      }
    }),
  );
  if (failures.length > 0) {
    throw new DoStepError(
      `cloud-init did not finish cleanly on ${failures.length} of ${droplets.length} droplets:\n${failures.join('\n')}\nFix the template (or the mirror), then delete and re-create the droplet, or run \`cloud-init status --long\` on it through the jump host.`,
    );
  }
  return {
    ok: true,
    summary: `cloud-init done on ${droplets.length} droplets (checked via ${tunnel.label})`,
    data: { ready: spec.names, via: tunnel.label },
  };
}
