// Runs before each container test file (vitest.config.ts, containers project). `npm test`'s set-up
// (scripts/test-setup.mjs) builds the lab image in the background while the other tests run; the container
// tests wait here for that build, so `lab up` never starts a second one, and fail with the build's own
// output when it failed.
import { existsSync, readFileSync } from 'node:fs';
import { imageBuildLog, imageBuildPidFile } from '../../scripts/test-setup.mjs';
import { imageStatus } from '../../src/lab/container/image.js';
import { waitForExit } from '../../src/lab/processes.js';

/** Far longer than a build takes (about 2 minutes; 5 on a loaded machine): only a stuck build reaches it. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

function logTail(): string {
  const log = existsSync(imageBuildLog) ? readFileSync(imageBuildLog, 'utf8') : '';
  return log.trim().split('\n').slice(-15).join('\n') || '(the build wrote nothing)';
}

async function waitForBackgroundBuild(): Promise<void> {
  if (!existsSync(imageBuildPidFile)) return;
  const pid = Number(readFileSync(imageBuildPidFile, 'utf8').trim());
  if (!(await waitForExit(pid, BUILD_TIMEOUT_MS))) {
    throw new Error(
      `the background lab image build (pid ${pid}) is still running after ${BUILD_TIMEOUT_MS / 60_000} min; its log, ${imageBuildLog}, ends:\n${logTail()}`,
    );
  }
  if (!(await imageStatus()).ready) {
    throw new Error(
      `the background lab image build (pid ${pid}) ended without an image; its log, ${imageBuildLog}, ends:\n${logTail()}\nrun \`drillbook lab image build\` to build it in the foreground`,
    );
  }
}

await waitForBackgroundBuild();
