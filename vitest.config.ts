import { defineConfig } from 'vitest/config';

const allTests = ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'];

/**
 * Folders whose tests start real programs (redis-server, redis-sentinel, sshd, tmux, PHP, Prometheus, nft,
 * the built CLI): the integration project, by folder so a new test there cannot slip into the unit project. They check for each program and fail with its install command
 * (test/helpers/system.ts). Everything else is the unit project: `npx vitest --project unit` needs no
 * service and runs in seconds.
 */
const integration = [
  'test/app/**/*.test.{ts,tsx}',
  'test/cli/**/*.test.{ts,tsx}',
  'test/e2e/**/*.test.{ts,tsx}',
  'test/lab/**/*.test.{ts,tsx}',
  'test/lab-network/**/*.test.{ts,tsx}',
  'test/monitoring/**/*.test.{ts,tsx}',
  'test/drill/**/*.test.ts',
  'test/redis/**/*.test.ts',
  'test/digitalocean/ready.test.ts',
  'test/digitalocean/jump-host.test.ts',
  'test/digitalocean/ssh-key.test.ts',
  'src/lab/monitoring/monitoring.test.ts',
  'src/lab/network/**/*.test.{ts,tsx}',
];

/**
 * Tests that boot a container lab (systemd-nspawn machines, real cloud-init): each boots five machines, which
 * takes both cores, so they run after everything else and one file at a time, where their timing holds.
 */
const containers = ['test/lab/container/**/*.test.ts', 'test/lab-network/container-*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real redis processes with 1 s Sentinel timings; on two cores, a third file at
    // once (tried) made failovers flap and alerts arrive late, so two it is.
    maxWorkers: 2,
    // CI also keeps a machine-readable summary, from which .ci/run prints one 'N passed, N failed' line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'node_modules/.cache/vitest-results.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: allTests, exclude: [...integration, ...containers] },
      },
      { extends: true, test: { name: 'integration', include: integration, exclude: containers } },
      {
        extends: true,
        test: {
          name: 'containers',
          include: containers,
          // npm test builds the lab image in the background; the container tests wait for it here.
          setupFiles: ['test/helpers/container-image-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
