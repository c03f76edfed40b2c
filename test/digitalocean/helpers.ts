// Shared setup for the DigitalOcean tests: an emulator on loopback, a target pointing at it, and a way to
// run one ```do block through the real dots-wrapper client with the shared test context.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import type { DoSpec } from '../../src/actions/do/schema.js';
import {
  createTestContext,
  parsedAction,
  type TestContext,
  type TestContextOptions,
} from '../../src/actions/test-context.js';
import type { ActionOutcome, TargetInfo } from '../../src/contract/action.js';
import { type Emulator, startEmulator } from '../../src/lab/emulator/index.js';

export const REDIS_PASSWORD = 'pw-9f8e7d6c5b4a';

export function newToken(): string {
  return `dop_v1_${randomBytes(24).toString('hex')}`;
}

export async function startTestEmulator(
  token: string,
  options: { bootDelayMs?: number; actionDelayMs?: number; vpcReleaseMs?: number } = {},
): Promise<Emulator> {
  return startEmulator({
    token,
    bootDelayMs: options.bootDelayMs ?? 50,
    actionDelayMs: options.actionDelayMs ?? 100,
    vpcReleaseMs: options.vpcReleaseMs ?? 300,
  });
}

export type EmulatorOptions = Parameters<typeof startTestEmulator>[1];

/** The emulator a test file talks to, and the target that points at it (readable once the hooks have run). */
export interface EmulatorFixture {
  readonly token: string;
  readonly emulator: Emulator;
  readonly target: TargetInfo;
}

/**
 * Registers the hooks that start an emulator with a fresh token (once per file, or before each test with
 * `each`) and close it afterwards; the returned fixture reads the current one.
 */
export function withEmulator(
  options: EmulatorOptions = {},
  { each = false, hookTimeoutMs }: { each?: boolean; hookTimeoutMs?: number } = {},
): EmulatorFixture {
  const token = newToken();
  let emulator: Emulator | undefined;
  let target: TargetInfo | undefined;
  (each ? beforeEach : beforeAll)(async () => {
    emulator = await startTestEmulator(token, options);
    target = targetFor(emulator, token);
  }, hookTimeoutMs);
  (each ? afterEach : afterAll)(async () => {
    await emulator?.close();
  });
  return {
    token,
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in a before hook: read it inside a test or hook');
      return emulator;
    },
    get target() {
      if (!target) throw new Error('the emulator starts in a before hook: read it inside a test or hook');
      return target;
    },
  };
}

export function targetFor(emulator: Emulator, token: string, api: TargetInfo['api'] = {}): TargetInfo {
  return {
    name: 'digitalocean',
    apiUrl: emulator.url,
    token,
    tokenSource: 'DIGITALOCEAN_ACCESS_TOKEN',
    api: { requestTimeoutMs: 2000, retryWaitMinMs: 20, pollIntervalMs: 25, ...api },
  };
}

export const REDIS_NODE_TEMPLATE = [
  '#cloud-config',
  'write_files:',
  '  - path: /etc/redis/redis.conf',
  '    content: |',
  '      requirepass {{ vars.redis_password }}',
  '      masterauth {{ vars.redis_password }}',
  '      # role {{ vars.role }}',
  '      replicaof {{ params.replicaof }}',
].join('\n');

export interface DoRun {
  outcome: ActionOutcome;
  t: TestContext;
  spec: DoSpec;
}

/** Parses the YAML body as the runbook parser would and runs it against the target. */
export async function runDo(
  body: string,
  target: TargetInfo,
  options: Omit<TestContextOptions, 'target' | 'action'> & { id?: string } = {},
): Promise<DoRun> {
  const { spec, action } = parsedAction(doKind, { body });
  const t = createTestContext({
    vars: { redis_password: REDIS_PASSWORD, role: 'redis' },
    secretVars: ['redis_password'],
    runbook: {
      templates: {
        'templates/redis-node.yaml': {
          name: 'templates/redis-node.yaml',
          content: REDIS_NODE_TEMPLATE,
          loc: { file: 'test.md', line: 1, column: 1 },
        },
      },
    },
    ...options,
    action: { ...action, ...(options.id ? { id: options.id } : {}) },
    target,
  });
  try {
    const outcome = await doKind.run(spec, t.ctx);
    return { outcome, t, spec };
  } finally {
    await t.close();
  }
}

/** Everything a run showed or kept: to prove no secret reached any of it. */
export function everything(run: DoRun): string {
  return JSON.stringify({
    outcome: run.outcome,
    output: run.t.output,
    progress: run.t.progress,
    timeline: run.t.timeline,
    published: run.t.published,
    preview: doKind.preview(run.spec, run.t.ctx),
  });
}

export function mutatingRequests(emulator: Emulator) {
  return emulator.requests.filter((request) => request.method !== 'GET');
}
