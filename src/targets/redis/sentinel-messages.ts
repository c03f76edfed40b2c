// Sentinel pub/sub messages (channel = event name, payload = instance details) → typed events.

export interface SentinelInstance {
  /** master, slave or sentinel */
  type: string;
  name: string;
  ip: string;
  port: number;
  /** ip:port */
  address: string;
}

export interface ParsedSentinelMessage {
  /** The channel, e.g. "+switch-master", "+failover-state-select-slave". */
  name: string;
  /** The payload as Sentinel sent it. */
  detail: string;
  instance?: SentinelInstance;
  /** The master the instance belongs to (the instance itself for master events). */
  master?: { name: string; ip: string; port: number; address: string };
  /** +switch-master: the old and new master addresses. */
  from?: string;
  to?: string;
  /** +new-epoch / +vote-for-leader */
  epoch?: number;
  /** +vote-for-leader: run id of the Sentinel voted for. */
  leader?: string;
}

const INSTANCE_TYPES = new Set(['master', 'slave', 'sentinel']);

function address(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function parseSentinelMessage(channel: string, payload: string): ParsedSentinelMessage {
  const event: ParsedSentinelMessage = { name: channel, detail: payload };
  const words = payload.trim().split(/\s+/);
  if (channel === '+switch-master' && words.length >= 5) {
    const [name, oldIp, oldPort, newIp, newPort] = words as [string, string, string, string, string];
    event.from = address(oldIp, Number(oldPort));
    event.to = address(newIp, Number(newPort));
    event.master = { name, ip: newIp, port: Number(newPort), address: event.to };
    return event;
  }
  if (channel === '+new-epoch' && words.length >= 1) {
    event.epoch = Number(words[0]);
    return event;
  }
  if (channel === '+vote-for-leader' && words.length >= 2) {
    event.leader = words[0];
    event.epoch = Number(words[1]);
    return event;
  }
  if (words.length >= 4 && INSTANCE_TYPES.has(words[0] as string)) {
    const [type, name, ip, port] = words as [string, string, string, string];
    event.instance = { type, name, ip, port: Number(port), address: address(ip, Number(port)) };
    const at = words.indexOf('@');
    if (at >= 0 && words.length >= at + 4) {
      const [masterName, masterIp, masterPort] = words.slice(at + 1, at + 4) as [string, string, string];
      event.master = {
        name: masterName,
        ip: masterIp,
        port: Number(masterPort),
        address: address(masterIp, Number(masterPort)),
      };
    } else if (type === 'master') {
      event.master = { name, ip, port: Number(port), address: event.instance.address };
    }
  }
  return event;
}

/** What makes two Sentinels' messages the same event: name and payload without the "#…" commentary. */
export function mergeKey(message: ParsedSentinelMessage): string {
  const hash = message.detail.indexOf(' #');
  return `${message.name} ${hash >= 0 ? message.detail.slice(0, hash) : message.detail}`.trim();
}
