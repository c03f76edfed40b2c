/** Faults a test can inject to prove a client survives what the real API does on a bad day. */
interface FaultMatch {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** A prefix of the request path (with or without the leading /v2), or a RegExp tested against the full path. */
  path: string | RegExp;
  /** How many matching requests the fault applies to; every matching request until clear() when absent. */
  times?: number;
}

export type StatusFault = FaultMatch & {
  kind: 'status';
  status: 429 | 500 | 502 | 503;
  retryAfterSeconds?: number;
};
export type LatencyFault = FaultMatch & { kind: 'latency'; ms: number };
/** The server performs the request, then never answers (holds the socket until the client gives up). */
export type TimeoutAfterCreateFault = FaultMatch & { kind: 'timeout-after-create' };
export type FaultRule = StatusFault | LatencyFault | TimeoutAfterCreateFault;

export interface TriggeredFaults {
  latencyMs: number;
  status?: StatusFault;
  holdResponse: boolean;
}

interface ArmedFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private armed: ArmedFault[] = [];

  add(rule: FaultRule): void {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new Error(`fault "times" must be a positive integer, got ${rule.times}`);
    }
    this.armed.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.armed = [];
  }

  /** Finds the faults for one request and spends one use of each fault that fires. */
  trigger(method: string, path: string): TriggeredFaults {
    const triggered: TriggeredFaults = { latencyMs: 0, holdResponse: false };
    const matching = this.armed.filter((armed) => armed.remaining > 0 && matches(armed.rule, method, path));
    const spend = (armed: ArmedFault): void => {
      armed.remaining -= 1;
    };
    for (const armed of matching) {
      if (armed.rule.kind === 'latency') {
        triggered.latencyMs += armed.rule.ms;
        spend(armed);
      }
    }
    const status = matching.find((armed) => armed.rule.kind === 'status');
    if (status) {
      triggered.status = status.rule as StatusFault;
      spend(status);
    } else {
      const hold = matching.find((armed) => armed.rule.kind === 'timeout-after-create');
      if (hold) {
        triggered.holdResponse = true;
        spend(hold);
      }
    }
    this.armed = this.armed.filter((armed) => armed.remaining > 0);
    return triggered;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path instanceof RegExp) return rule.path.test(path);
  const withoutVersion = path.startsWith('/v2/') ? path.slice(3) : path;
  return path.startsWith(rule.path) || withoutVersion.startsWith(rule.path);
}
