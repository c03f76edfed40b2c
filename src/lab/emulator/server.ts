import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Cidr, cidrIsLoopback, cidrIsPrivate, parseCidr } from './addresses.js';
import { EmulatorCore } from './core.js';
import { ApiError, badRequest, unauthorized } from './errors.js';
import { FaultInjector, type StatusFault } from './faults.js';
import { toLabDroplet } from './lifecycle.js';
import { RateLimiter } from './rate-limit.js';
import { type ApiResponse, matchRoute } from './router.js';
import { allRoutes } from './routes.js';
import { loadState, saveState } from './store.js';
import type { Emulator, EmulatorOptions, RecordedRequest } from './types.js';

const maxBodyBytes = 1_048_576;
const maxRecordedRequests = 10_000;

function loopbackRange(name: string, text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr || !cidrIsLoopback(cidr)) {
    throw new Error(
      `Emulator option ${name} "${text}" must be a CIDR range inside 127.0.0.0/8: the lab never hands out other addresses.`,
    );
  }
  return cidr;
}

function privateRange(name: string, text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr || !cidrIsPrivate(cidr)) {
    throw new Error(
      `Emulator option ${name} "${text}" must be a private CIDR range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) in private address mode.`,
    );
  }
  return cidr;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is still read to its end, so the client gets the 413 rather than a reset connection.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > maxBodyBytes)
        reject(new ApiError(413, 'request_too_large', 'The request body exceeds 1 MiB.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('error parsing request body: it is not valid JSON');
  }
}

/** The answer to an injected status fault; a 429 always says when to retry, as the real API does. */
function injectedError({ status, retryAfterSeconds }: StatusFault): ApiError {
  const retry: Record<string, string> =
    status === 429 || retryAfterSeconds !== undefined
      ? { 'retry-after': String(retryAfterSeconds ?? 1) }
      : {};
  return status === 429
    ? new ApiError(429, 'too_many_requests', 'API rate limit exceeded.', retry)
    : new ApiError(
        status,
        'server_error',
        'Server was unable to give you a response (injected fault).',
        retry,
      );
}

/** Starts the DigitalOcean API v2 emulator on loopback; usable in-process (tests) and from the lab daemon. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (!options.token)
    throw new Error('Emulator option token is empty: the emulator needs the bearer token it will accept.');
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host !== 'localhost') {
    throw new Error(
      `Emulator option host "${host}" is not a loopback address; the lab listens on 127.0.0.0/8 only.`,
    );
  }
  const addressMode = options.addressMode ?? 'loopback';
  const settings = {
    addressMode,
    bootDelayMs: options.bootDelayMs ?? 1000,
    actionDelayMs: options.actionDelayMs ?? 300,
    defaultVpcRange:
      addressMode === 'private'
        ? privateRange('defaultVpcRange', options.defaultVpcRange ?? '10.116.0.0/20')
        : loopbackRange('defaultVpcRange', options.defaultVpcRange ?? '127.10.0.0/24'),
    publicRange: loopbackRange('publicRange', options.publicRange ?? '127.200.0.0/16'),
    vpcReleaseMs: options.vpcReleaseMs ?? 5000,
  };
  const stateFile = options.stateFile;
  const state = loadState(stateFile);
  if (stateFile) {
    try {
      saveState(stateFile, state);
    } catch (error) {
      throw new Error(
        `The lab emulator cannot write its state file ${stateFile}: ${(error as Error).message}. Check that its folder exists and is writable.`,
      );
    }
  }
  let closed = false;
  // After close() nothing is written: `lab down` may be removing the state folder.
  const core = new EmulatorCore(state, settings, options.runtime, (changed) => {
    if (stateFile && !closed) saveState(stateFile, changed);
  });
  const faults = new FaultInjector();
  const limiter = new RateLimiter(options.rateLimitPerHour ?? 5000);
  const requests: RecordedRequest[] = [];
  const heldSockets = new Set<Socket>();
  const sleeps = new Set<NodeJS.Timeout>();

  const record = (entry: RecordedRequest): void => {
    requests.push(entry);
    if (requests.length > maxRecordedRequests) requests.splice(0, requests.length - maxRecordedRequests);
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleeps.delete(timer);
        resolve();
      }, ms);
      sleeps.add(timer);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = Date.now();
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://emulator.invalid');
    const method = request.method ?? 'GET';
    let body: unknown;
    let headers: Record<string, string> = {};
    let reply: ApiResponse;
    let holdResponse = false;
    try {
      const rawBody = await readBody(request);
      const match = matchRoute(allRoutes, method, url.pathname);
      const anonymous = match.kind === 'found' && match.route.anonymous === true;
      if (!anonymous) {
        if (!tokenMatches(request.headers.authorization, options.token)) throw unauthorized();
        if (!limiter.take(at)) {
          throw new ApiError(429, 'too_many_requests', 'API rate limit exceeded.', {
            'retry-after': String(limiter.secondsUntilReset(at)),
          });
        }
      }
      headers = limiter.headers(at);
      const triggered = faults.trigger(method, url.pathname);
      if (triggered.latencyMs > 0) await delay(triggered.latencyMs);
      if (triggered.status) throw injectedError(triggered.status);
      holdResponse = triggered.holdResponse;
      body = parseJson(rawBody);
      if (match.kind === 'none')
        throw new ApiError(404, 'not_found', `There is no endpoint ${method} ${url.pathname}.`);
      if (match.kind === 'wrong-method') {
        throw new ApiError(
          405,
          'method_not_allowed',
          `${url.pathname} accepts ${match.allowed.join(', ')}, not ${method}.`,
        );
      }
      reply = await match.route.handler(
        { method, path: url.pathname, params: match.params, query: url.searchParams, body },
        core,
      );
      // A change answers once the container lab enforces it, so a caller that connects right after its API call
      // meets the firewall it just set instead of racing the nft update.
      if (method !== 'GET') await core.networkApplied();
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'server_error',
              `The lab emulator failed: ${(error as Error).message ?? String(error)}`,
            );
      headers = { ...limiter.headers(at), ...apiError.headers };
      reply = {
        status: apiError.status,
        body: { id: apiError.id, message: apiError.message, request_id: requestId },
      };
    }
    record({
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      body,
      status: reply.status,
      at,
    });
    if (holdResponse) {
      heldSockets.add(request.socket);
      request.socket.once('close', () => heldSockets.delete(request.socket));
      return;
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...headers,
      'x-request-id': requestId,
      ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'content-length': String(Buffer.byteLength(payload)),
    });
    response.end(payload);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message;
      reject(
        new Error(
          `The lab emulator could not listen on ${host}:${port}: ${reason}. Stop whatever holds it (\`ss -ltnp | grep ${port}\`) or choose another port.`,
        ),
      );
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  core.apiUrl = `http://${host}:${address.port}/v2`;
  core.resumeActions();

  return {
    url: core.apiUrl,
    faults,
    requests,
    droplets: () => core.state.droplets.map((droplet) => toLabDroplet(droplet, core.state)),
    idle: () => core.actions.idle(),
    async close() {
      if (closed) return;
      closed = true;
      core.actions.close();
      for (const timer of sleeps) clearTimeout(timer);
      for (const socket of heldSockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
