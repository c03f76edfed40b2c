// The shipped cloud-init templates (runbooks/templates/), rendered the way a runbook renders them.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lookupPath, renderTemplate, TemplateError } from '../runbook/template.js';

export const REDIS_NODE_TEMPLATE = 'redis-node.cloud-init.yaml';
export const SENTINEL_NODE_TEMPLATE = 'sentinel-node.cloud-init.yaml';

/** runbooks/templates/, found from this module both in src/ (tests) and in the bundled dist/. */
export function templatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'runbooks', 'templates');
    if (existsSync(path.join(candidate, REDIS_NODE_TEMPLATE))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find runbooks/templates/${REDIS_NODE_TEMPLATE} above ${fileURLToPath(import.meta.url)}; reinstall drillbook`,
      );
    }
    dir = parent;
  }
}

export async function renderTemplateFile(name: string, scope: Record<string, unknown>): Promise<string> {
  const text = await readFile(path.join(templatesDir(), name), 'utf8');
  return renderTemplate(text, (reference) => {
    const found = lookupPath(scope, reference);
    if (!found.found) throw new TemplateError(reference, found.missingAt);
    return found.value;
  });
}

export interface RedisNodeParams {
  password: string;
  /** Absent for the master. */
  masterIp?: string;
}

export function redisNodeUserData(params: RedisNodeParams): Promise<string> {
  return renderTemplateFile(REDIS_NODE_TEMPLATE, {
    vars: { redis_password: params.password },
    params: { replicaof: params.masterIp ? `${params.masterIp} 6379` : 'no one' },
  });
}

export interface SentinelNodeParams {
  password: string;
  /** The Sentinels' own requirepass (and sentinel-pass between them). */
  sentinelPassword: string;
  masterIp: string;
  downAfterMs: number;
  failoverTimeoutMs: number;
}

export function sentinelNodeUserData(params: SentinelNodeParams): Promise<string> {
  return renderTemplateFile(SENTINEL_NODE_TEMPLATE, {
    // The lab's own cluster (lab up) is monitored as mymaster, as in the article.
    vars: {
      redis_password: params.password,
      sentinel_password: params.sentinelPassword,
      master_name: 'mymaster',
    },
    params: {
      master_ip: params.masterIp,
      down_after_ms: params.downAfterMs,
      failover_timeout_ms: params.failoverTimeoutMs,
    },
  });
}
