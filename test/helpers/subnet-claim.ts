// Two test files that start clusters on the same loopback subnet at the same time do not fail where they
// collide: the second file's redis-server cannot bind, and its health check is answered by the first file's
// nodes, so each test then watches the other's kills and failovers and fails far from the cause. A claim
// file per subnet, held while a cluster runs, turns that into an error naming both files.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { hasExited } from '../../src/lab/processes.js';

const claimDir = join(tmpdir(), 'drillbook-test-subnets');

interface Claim {
  pid: number;
  testFile: string;
}

function readClaim(file: string): Claim | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Claim;
  } catch {
    return undefined;
  }
}

function currentTestFile(): string {
  return expect.getState().testPath ?? `pid ${process.pid}`;
}

/** Claims `subnet` for this process until release() is called; throws naming the holder when it is taken. */
export async function claimSubnet(subnet: string): Promise<{ release(): void }> {
  mkdirSync(claimDir, { recursive: true });
  const file = join(claimDir, subnet);
  const mine: Claim = { pid: process.pid, testFile: currentTestFile() };
  // Written whole first, then linked into place, so no other file ever reads a half-written claim.
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, JSON.stringify(mine));
  try {
    return await takeClaim(subnet, file, draft, mine);
  } finally {
    rmSync(draft, { force: true });
  }
}

async function takeClaim(
  subnet: string,
  file: string,
  draft: string,
  mine: Claim,
): Promise<{ release(): void }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      linkSync(draft, file);
      return {
        release() {
          if (readClaim(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readClaim(file);
      if (holder && !(await hasExited(holder.pid))) {
        throw new Error(
          `loopback subnet ${subnet} is already used by a test cluster of ${holder.testFile} (pid ${holder.pid}); ` +
            `give ${mine.testFile} a subnet no other test uses (grep -rn "'${subnet}" test shows who uses this one)`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not claim loopback subnet ${subnet}: ${file} keeps reappearing`);
}
