// Network safety for the lab target: from the operator's machine the lab is reachable only on loopback
// (public addresses are loopback ports; private addresses exist only inside the lab's namespaces). Every
// socket the lab target opens to a runbook-provided address is checked here first, so a runbook that would
// reach a private address directly — which DigitalOcean would never route — fails at once, before any
// packet, saying to go through the jump host.
//
// Only address literals are judged: a host name is refused on the lab target (except "localhost"),
// because resolving it could itself send a DNS query off the machine.
import { isIP } from 'node:net';
import type { ActionContext } from '../contract/action.js';

/** 'loopback-only' on the lab target; 'any' against a real cloud. */
export type HostReach = 'any' | 'loopback-only';

/** The run's reach: loopback-only unless the run's target is known to be a real cloud. */
export function hostReach(ctx: Pick<ActionContext, 'resolve'>): HostReach {
  let target: unknown;
  try {
    target = ctx.resolve('run.target');
  } catch {
    target = undefined;
  }
  return target === 'digitalocean' ? 'any' : 'loopback-only';
}

/** An IPv6 literal as eight 16-bit groups (with an embedded IPv4 tail), or undefined. */
export function ipv6Groups(text: string): number[] | undefined {
  if (isIP(text) !== 6) return undefined;
  let head = text;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = (dotted[1] as string).split('.').map(Number);
    tail.push(
      ((octets[0] as number) << 8) | (octets[1] as number),
      ((octets[2] as number) << 8) | (octets[3] as number),
    );
    head = text.slice(0, -(dotted[1] as string).length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = parse(left as string);
  const rightGroups = right === undefined ? [] : parse(right);
  const missing = 8 - leftGroups.length - rightGroups.length - tail.length;
  if (missing < 0 || (right === undefined && missing !== 0)) return undefined;
  return [...leftGroups, ...new Array<number>(missing).fill(0), ...rightGroups, ...tail];
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z), in any spelling Node accepts. */
export function isLoopbackLiteral(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 4) return Number(bare.split('.')[0]) === 127;
  const groups = ipv6Groups(bare);
  if (!groups) return false;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 7) && groups[7] === 1) return true;
  return zeros(0, 5) && groups[5] === 0xffff && (groups[6] as number) >> 8 === 127;
}

/** Refused before any socket: names the address, why, and the way that works. */
export class OffHostConnectionRefused extends Error {
  constructor(
    readonly host: string,
    readonly port: number | undefined,
    what: string,
  ) {
    const address = port === undefined ? host : `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const literal = isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0;
    super(
      literal
        ? `${what} ${address}: the lab target never connects from this machine to a non-loopback address (on DigitalOcean a private address is not routed to you either); reach it through the jump host: run with --via ssh://root@<jump host's public address>, or set the runbook's via var to its jump host`
        : `${what} ${address}: on the lab target a host is named by its address, not a name (resolving a name could send a query off this machine); use the droplet's address from the do step's result, through the jump host (--via) for private ones`,
    );
    this.name = 'OffHostConnectionRefused';
  }
}

/** Throws OffHostConnectionRefused unless the reach allows this host. */
export function checkReach(reach: HostReach, host: string, port: number | undefined, what: string): void {
  if (reach === 'any') return;
  if (/^localhost\.?$/i.test(host) || isLoopbackLiteral(host)) return;
  throw new OffHostConnectionRefused(host, port, what);
}
