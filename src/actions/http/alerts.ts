// When a response is Alertmanager's alert list (GET /api/v2/alerts), each alert goes on the drill's timeline
// at the moment Alertmanager says it started, so the report shows the alert next to the failover it follows.
import type { ActionContext } from '../../contract/action.js';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  startsAt: string;
  fingerprint?: string;
  status: { state: string };
}

function isAlert(value: unknown): value is AlertmanagerAlert {
  if (value === null || typeof value !== 'object') return false;
  const alert = value as Partial<AlertmanagerAlert>;
  return (
    typeof alert.labels === 'object' &&
    alert.labels !== null &&
    typeof alert.labels.alertname === 'string' &&
    typeof alert.startsAt === 'string' &&
    !Number.isNaN(Date.parse(alert.startsAt)) &&
    typeof alert.status?.state === 'string'
  );
}

/** An Alertmanager v2 alert list: a JSON array whose every item is an alert (an empty list is not evidence). */
export function alertList(json: unknown): AlertmanagerAlert[] | undefined {
  if (!Array.isArray(json) || json.length === 0 || !json.every(isAlert)) return undefined;
  return json;
}

const SHOWN_LABELS = ['instance', 'master_name', 'severity'];

function describe(alert: AlertmanagerAlert): string {
  const labels = SHOWN_LABELS.filter((name) => alert.labels[name]).map(
    (name) => `${name}=${alert.labels[name]}`,
  );
  return `${alert.status.state} since ${alert.startsAt}${labels.length ? ` (${labels.join(', ')})` : ''}`;
}

/**
 * Puts every active alert not seen before in this run on the timeline, once, at its startsAt mapped onto the
 * run's monotonic axis (the wall-clock distance from now, subtracted from now()). Returns how many it added.
 */
export function timelineAlerts(alerts: AlertmanagerAlert[], ctx: ActionContext): number {
  const seen = ctx.resources.get(
    'http.alerts-on-timeline',
    () => new Set<string>(),
    (set) => set.clear(),
  );
  let added = 0;
  for (const alert of alerts) {
    if (alert.status.state !== 'active') continue;
    const key = `${alert.fingerprint ?? JSON.stringify(alert.labels)}@${alert.startsAt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ago = Math.max(0, Date.now() - Date.parse(alert.startsAt));
    const at = Math.max(0, ctx.now() - ago);
    ctx.timeline('alert', alert.labels.alertname as string, describe(alert), undefined, at);
    added++;
  }
  return added;
}
