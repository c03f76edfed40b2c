import type { DropletRuntime, LabDroplet } from '../runtime.js';
import type { DropletStatus, State, StoredAction, StoredDroplet } from './types.js';

/** What each action does to the droplet: the runtime call that makes it real and the status it leaves. */
interface ActionKind {
  delay: 'boot' | 'action';
  /** The droplet's processes are gone or restarted afterwards, so a lab freeze no longer holds. */
  endsFreeze?: boolean;
  after: DropletStatus;
  afterFailure?: DropletStatus;
  run(runtime: DropletRuntime, droplet: LabDroplet, status: DropletStatus): Promise<void> | undefined;
}

export const actionKinds: Record<string, ActionKind> = {
  create: {
    delay: 'boot',
    after: 'active',
    afterFailure: 'off',
    run: (runtime, droplet) => runtime.boot(droplet),
  },
  power_off: {
    delay: 'action',
    endsFreeze: true,
    after: 'off',
    run: (runtime, droplet, status) => (status === 'off' ? undefined : runtime.powerOff(droplet)),
  },
  shutdown: {
    delay: 'action',
    endsFreeze: true,
    after: 'off',
    run: (runtime, droplet, status) => (status === 'off' ? undefined : runtime.shutdown(droplet)),
  },
  power_on: {
    delay: 'action',
    after: 'active',
    run: (runtime, droplet, status) => (status === 'active' ? undefined : runtime.powerOn(droplet)),
  },
  reboot: {
    delay: 'action',
    endsFreeze: true,
    after: 'active',
    run: (runtime, droplet, status) =>
      status === 'off' ? runtime.powerOn(droplet) : runtime.restart(droplet, 'graceful'),
  },
  power_cycle: {
    delay: 'action',
    endsFreeze: true,
    after: 'active',
    run: (runtime, droplet, status) =>
      status === 'off' ? runtime.powerOn(droplet) : runtime.restart(droplet, 'kill'),
  },
};

export const powerActionTypes = ['power_off', 'power_on', 'shutdown', 'reboot', 'power_cycle'] as const;

export function toLabDroplet(droplet: StoredDroplet, state: Pick<State, 'vpcs' | 'keys'>): LabDroplet {
  const vpc = state.vpcs.find((candidate) => candidate.id === droplet.vpcUuid);
  return {
    id: droplet.id,
    name: droplet.name,
    privateIp: droplet.privateIp,
    publicIp: droplet.publicIp,
    ...(droplet.userData !== undefined ? { userData: droplet.userData } : {}),
    tags: [...droplet.tags],
    vpcUuid: droplet.vpcUuid,
    ...(vpc ? { vpcRange: vpc.ipRange } : {}),
    region: droplet.region,
    sshPublicKeys: state.keys.filter((key) => droplet.sshKeyIds.includes(key.id)).map((key) => key.publicKey),
  };
}

export interface ActionHost {
  runtime?: DropletRuntime;
  delayFor(kind: 'boot' | 'action'): number;
  findDroplet(id: number): StoredDroplet | undefined;
  state: Pick<State, 'vpcs' | 'keys'>;
  changed(): void;
}

/**
 * Runs actions: the droplet is locked while one runs; it completes when both the configured delay has
 * passed and the runtime has finished (so a real boot is never reported complete early). Runtime calls for
 * one droplet are serialized, so a delete never races its own boot.
 */
export class ActionRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private readonly queues = new Map<number, Promise<unknown>>();
  private closed = false;

  constructor(private readonly host: ActionHost) {}

  /** Runs `work` after every runtime call already queued for the droplet. */
  serialize<T>(dropletId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(dropletId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(dropletId, settled);
    void settled.then(() => {
      if (this.queues.get(dropletId) === settled) this.queues.delete(dropletId);
    });
    return next;
  }

  /** Starts (or, after an emulator restart, resumes) an in-progress action. */
  run(action: StoredAction, droplet: StoredDroplet): void {
    const kind = actionKinds[action.type];
    if (!kind) throw new Error(`the lab emulator cannot run actions of type ${action.type}`);
    droplet.locked = true;
    const statusAtStart = droplet.status;
    const snapshot = toLabDroplet(droplet, this.host.state);
    const runtime = this.host.runtime;
    const delay = this.sleep(this.host.delayFor(kind.delay));
    const work = runtime
      ? this.serialize(droplet.id, async () => kind.run(runtime, snapshot, statusAtStart))
      : Promise.resolve();
    const done = Promise.all([delay, work]).then(
      () => this.finish(action, kind),
      (error: unknown) => this.fail(action, kind.afterFailure, error),
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  private finish(action: StoredAction, kind: ActionKind): void {
    if (this.closed) return;
    action.status = 'completed';
    action.completedAt = new Date().toISOString();
    const droplet = this.host.findDroplet(action.dropletId);
    if (droplet) {
      droplet.status = kind.after;
      droplet.locked = false;
      if (kind.endsFreeze) droplet.frozen = false;
      delete droplet.error;
    }
    this.host.changed();
  }

  private fail(action: StoredAction, status: DropletStatus | undefined, error: unknown): void {
    if (this.closed) return;
    const message = error instanceof Error ? error.message : String(error);
    action.status = 'errored';
    action.completedAt = new Date().toISOString();
    action.error = message;
    const droplet = this.host.findDroplet(action.dropletId);
    if (droplet) {
      droplet.locked = false;
      droplet.error = `${action.type} failed: ${message}`;
      if (status) droplet.status = status;
    }
    this.host.changed();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0 && !this.closed) await Promise.allSettled([...this.pending]);
  }

  /** Stops timers; actions still in progress stay so in the snapshot and resume when the emulator restarts. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}
