import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/lab/emulator/index.js';
import type { DropletRuntime, LabDroplet } from '../../src/lab/runtime.js';

export const token = 'lab-test-token-0123456789';

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in the tests
  body: any;
}

export interface TestApi {
  emulator: Emulator;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; rawBody?: string },
  ): Promise<Reply>;
}

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestApi> {
  const emulator = await startEmulator({ token, bootDelayMs: 20, actionDelayMs: 10, ...options });
  const origin = emulator.url.replace(/\/v2$/, '');
  return {
    emulator,
    async call(method, route, body, callOptions = {}) {
      const bearer = callOptions.token === undefined ? token : callOptions.token;
      const response = await fetch(`${origin}${route}`, {
        method,
        headers: {
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
          'content-type': 'application/json',
        },
        ...(callOptions.rawBody !== undefined
          ? { body: callOptions.rawBody }
          : body === undefined
            ? {}
            : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
  };
}

export const dropletBody = (extra: Record<string, unknown> = {}) => ({
  name: 'redis-1',
  region: 'fra1',
  size: 's-1vcpu-1gb',
  image: 'ubuntu-24-04-x64',
  ...extra,
});

export type RuntimeCall = [operation: string, name: string, detail?: string];

/** A DropletRuntime that records what the emulator asked of it and can be told to fail. */
export class RecordingRuntime implements DropletRuntime {
  readonly calls: RuntimeCall[] = [];
  readonly failing = new Map<string, string>();
  private gate: Promise<void> | undefined;

  /** Holds every runtime call until the returned function is called, so a test can look at a busy droplet. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise((resolve) => {
      release = () => {
        this.gate = undefined;
        resolve();
      };
    });
    return release;
  }

  private async act(operation: string, droplet: LabDroplet, detail?: string): Promise<void> {
    this.calls.push(detail === undefined ? [operation, droplet.name] : [operation, droplet.name, detail]);
    await this.gate;
    const failure = this.failing.get(`${operation}:${droplet.name}`);
    if (failure) throw new Error(failure);
  }

  boot = (droplet: LabDroplet) => this.act('boot', droplet, droplet.privateIp);
  powerOff = (droplet: LabDroplet) => this.act('powerOff', droplet);
  shutdown = (droplet: LabDroplet) => this.act('shutdown', droplet);
  powerOn = (droplet: LabDroplet) => this.act('powerOn', droplet);
  restart = (droplet: LabDroplet, how: 'graceful' | 'kill') => this.act('restart', droplet, how);
  destroy = (droplet: LabDroplet) => this.act('destroy', droplet);
  freeze = (droplet: LabDroplet) => this.act('freeze', droplet);
  thaw = (droplet: LabDroplet) => this.act('thaw', droplet);
}

export async function withTempDir<T>(use: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), 'drillbook-emulator-'));
  try {
    return await use(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
