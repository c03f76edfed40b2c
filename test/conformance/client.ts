import { createApiClient } from 'dots-wrapper';
import { type Emulator, startEmulator } from '../../src/lab/emulator/index.js';
import { RecordingRuntime } from '../emulator/helpers.js';
import type { ResponseLike } from './openapi.js';

export const token = 'conformance-token-4f1c9e';

export interface Lab {
  emulator: Emulator;
  /** Lets a test hold runtime calls, to look at a droplet while its action runs. */
  runtime: RecordingRuntime;
  client: ReturnType<typeof createApiClient>;
}

/** The emulator driven by the real dots-wrapper client over HTTP, as the product drives it. */
export async function startLab(): Promise<Lab> {
  const runtime = new RecordingRuntime();
  const emulator = await startEmulator({ token, runtime, bootDelayMs: 20, actionDelayMs: 10 });
  return {
    emulator,
    runtime,
    client: createApiClient({ token, endpoint: emulator.url, requestTimeoutInMs: 5000 }),
  };
}

/** The axios response of a call, whether it succeeded or failed with an HTTP status. */
export async function settle(call: Promise<ResponseLike>): Promise<ResponseLike> {
  try {
    return await call;
  } catch (error) {
    const response = (error as { response?: ResponseLike }).response;
    if (!response) throw error;
    return response;
  }
}
