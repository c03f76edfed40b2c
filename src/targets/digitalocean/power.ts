// Power actions on droplets: sent in parallel, a locked droplet waited out, completion watched by one
// shared poll loop over the account's action list.
import { setTimeout as sleep } from 'node:timers/promises';
import type { modules } from 'dots-wrapper';
import type { ActionContext } from '../../contract/action.js';
import type { RawDroplet } from './droplets.js';
import { type ApiSession, DoStepError } from './session.js';

export const POWER_ACTIONS = ['power_off', 'power_on', 'shutdown', 'reboot', 'power_cycle'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

/** Actions that take a node down: they go on the drill's timeline as faults. */
export const FAULT_ACTIONS: ReadonlySet<PowerAction> = new Set(['power_off', 'shutdown', 'power_cycle']);

type RawAction = modules.action.IAction & { lab_error?: string };

export interface StartedAction {
  droplet: RawDroplet;
  action: RawAction;
}

function isPendingEvent(error: unknown): boolean {
  const apiError = error instanceof DoStepError ? error.apiError : undefined;
  return apiError?.status === 422 && /pending event|locked/i.test(apiError.apiMessage ?? '');
}

function send(session: ApiSession, droplet: RawDroplet, type: PowerAction): Promise<{ action: RawAction }> {
  const droplet_id = droplet.id;
  return session.call((client) => {
    switch (type) {
      case 'power_off':
        return client.droplet.powerOffDroplet({ droplet_id });
      case 'power_on':
        return client.droplet.powerOnDroplet({ droplet_id });
      case 'shutdown':
        return client.droplet.shutdownDroplet({ droplet_id });
      case 'reboot':
        return client.droplet.rebootDroplet({ droplet_id });
      case 'power_cycle':
        return client.droplet.powerCycleDroplet({ droplet_id });
    }
  }) as Promise<{ action: RawAction }>;
}

/**
 * Sends the action; when the droplet is locked by another action (422 "pending event"), waits until the
 * droplet unlocks (looking with backoff) and sends again, for at most lockWaitMs.
 */
async function startOne(
  session: ApiSession,
  droplet: RawDroplet,
  type: PowerAction,
  options: {
    lockWaitMs: number;
    notify: (line: string) => void;
    onAccepted: (started: StartedAction) => void;
  },
): Promise<StartedAction> {
  const deadline = Date.now() + options.lockWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const { action } = await send(session, droplet, type);
      const started = { droplet, action };
      options.onAccepted(started);
      return started;
    } catch (error) {
      if (!isPendingEvent(error) || Date.now() >= deadline) {
        if (isPendingEvent(error)) {
          throw new DoStepError(
            `${droplet.name} stayed locked by another action for ${Math.round(options.lockWaitMs / 1000)} s: ${(error as Error).message}; wait for it to finish (doctl compute droplet-action list ${droplet.id}) and re-run`,
            (error as DoStepError).apiError,
          );
        }
        throw error;
      }
      if (attempt === 0)
        options.notify(
          `${droplet.name} is busy with another action (${(error as Error).message}); waiting for it to finish`,
        );
      await sleep(Math.min(session.backoff(attempt), 5000), undefined, { signal: session.signal });
    }
  }
}

/** Looks up the given actions with one list request per round (falling back to one GET each if the list lacks them). */
async function lookUpActions(session: ApiSession, ids: number[]): Promise<Map<number, RawAction>> {
  const found = new Map<number, RawAction>();
  const data = await session.call((client) => client.action.listActions({ page: 1, per_page: 200 }));
  for (const action of data.actions as RawAction[]) if (ids.includes(action.id)) found.set(action.id, action);
  const missing = ids.filter((id) => !found.has(id));
  await Promise.all(
    missing.map(async (id) => {
      const single = await session.call((client) => client.action.getAction({ action_id: id }));
      found.set(id, single.action as RawAction);
    }),
  );
  return found;
}

/** Sends `type` to every droplet in parallel, then waits for all the actions in one poll loop. */
export async function runPowerAction(
  session: ApiSession,
  ctx: Pick<ActionContext, 'progress' | 'now'>,
  options: {
    droplets: RawDroplet[];
    type: PowerAction;
    /** false: return once every action is accepted. */
    wait: boolean;
    timeoutMs: number;
    lockWaitMs: number;
    notify: (line: string) => void;
    /** Called the moment the API accepts the action for a droplet (the fault's time on the timeline). */
    onAccepted: (started: StartedAction) => void;
  },
): Promise<StartedAction[]> {
  const started = await Promise.all(
    options.droplets.map((droplet) => startOne(session, droplet, options.type, options)),
  );
  if (!options.wait) return started;
  const ids = started.map((entry) => entry.action.id);
  const byId = new Map(started.map((entry) => [entry.action.id, entry]));
  await session.poll(ctx, {
    timeoutMs: options.timeoutMs,
    what: `${options.type} actions completed`,
    round: async () => {
      const actions = await lookUpActions(session, ids);
      const failures: string[] = [];
      let done = 0;
      for (const [id, action] of actions) {
        const entry = byId.get(id);
        if (entry) entry.action = action;
        if (action.status === 'completed') done++;
        if (action.status === 'errored') {
          failures.push(
            `${options.type} on ${entry?.droplet.name ?? id} errored${action.lab_error ? `: ${action.lab_error}` : ''}`,
          );
        }
      }
      return { done, total: ids.length, ...(failures.length ? { failure: failures.join('; ') } : {}) };
    },
  });
  return started;
}
