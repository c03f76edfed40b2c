// `drillbook lab up|status|down`: the local lab of real redis-server / redis-sentinel processes behind the
// DigitalOcean API emulator. `lab _daemon` is the detached emulator process itself (not for users).
import { createInterface } from 'node:readline/promises';
import { EXIT, parseCommandArgs, UsageError } from './args.js';

export const LAB_HELP = `Usage: drillbook lab COMMAND [options]

The local lab: a DigitalOcean API emulator on 127.0.0.1 whose droplets are real redis-server and
redis-sentinel processes on loopback addresses (default range 127.10.0.0/24).

Commands:
  image build|status|clean
           the container mode's base image (Debian bookworm with cloud-init, plus an offline apt
           repository with Redis, OpenSSH and PHP): build it, show it, remove it. Cached in
           $XDG_CACHE_HOME/drillbook/lab-image/ (default ~/.cache/…); \`lab up --mode container\` builds it
           on first use
  up       start the emulator and provision the article's cluster through its API: master redis-1
           at .10, replicas redis-2… at .11…, Sentinels sentinel-1..3 at .20–.22 (port 26379), master
           name mymaster, quorum 2; returns once CKQUORUM is OK on every Sentinel, each Sentinel sees
           the other two and every replica's link is up. Run again to repair a lab (restarts dead
           processes, re-creates missing droplets).
  status   the emulator URL, every droplet, each node's role and link, each Sentinel's master,
           and the monitoring URLs when monitoring runs
  down     stop every lab process (monitoring included) and the emulator, and remove the lab's state

Options:
  --mode MODE         (up) loopback (default: processes on loopback aliases, no root) or container
                      (root, Linux: each droplet a systemd-nspawn machine booted by real cloud-init on a
                      private VPC network, range 10.10.0.0/24); default: the running lab's mode
  --replicas N        (up) number of replicas, 1–9 (default 1)
  --down-after MS     (up) sentinel down-after-milliseconds (default 5000; the article uses 30000)
  --ip-range CIDR     (up) range of the lab's VPC (loopback default 127.10.0.0/24, container default
                      10.10.0.0/24, refused when the host already routes it)
  --install-deps      (up) as root on Debian/Ubuntu, install redis-server and redis-sentinel if missing
  --monitoring        (up) also run prometheus, prometheus-redis-exporter and prometheus-alertmanager
                      with runbooks/monitoring/: loopback mode on the range's .30 (127.10.0.30:9090,
                      :9093, :9121); container mode on a droplet "monitoring" at the VPC's .30, reached
                      at its public address
  --show-password     (status) print the Redis password and the Sentinels' password (REDIS_PASSWORD
                      and SENTINEL_PASSWORD when set at the first up, else generated)
  --json              print one JSON object instead of text

State: $XDG_STATE_HOME/drillbook/lab/ (default ~/.local/state/drillbook/lab/), files mode 0600.`;

const OPTIONS = {
  mode: { type: 'string' },
  replicas: { type: 'string' },
  'down-after': { type: 'string' },
  'ip-range': { type: 'string' },
  'install-deps': { type: 'boolean' },
  monitoring: { type: 'boolean' },
  'show-password': { type: 'boolean' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} ${text}: expected a whole number`, 'lab');
  return Number(text);
}

async function askYesNo(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runLabCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>;
  try {
    parsed = parseCommandArgs('lab', argv, OPTIONS);
  } catch (error) {
    process.stderr.write(`drillbook lab: ${(error as Error).message}\n\n${LAB_HELP}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${LAB_HELP}\n`);
    return command === undefined && !values.help ? EXIT.usage : EXIT.passed;
  }
  if (command === 'image') return runImageCommand(extra, values.json === true);
  if (extra.length > 0) {
    process.stderr.write(`drillbook lab ${command}: unexpected argument ${extra[0]}\n`);
    return EXIT.usage;
  }
  const mode = values.mode;
  if (mode !== undefined && mode !== 'loopback' && mode !== 'container') {
    process.stderr.write(`drillbook lab: --mode ${mode}: choose loopback or container\n`);
    return EXIT.usage;
  }
  const lab = await import('../lab/index.js');
  const stateDir = values['state-dir'] ?? lab.labStateDir();
  const json = values.json === true;
  try {
    switch (command) {
      case 'up': {
        const replicas = wholeNumber('--replicas', values.replicas);
        const downAfterMs = wholeNumber('--down-after', values['down-after']);
        const result = await lab.labUp({
          stateDir,
          ...(mode ? { mode } : {}),
          ...(replicas !== undefined ? { replicas } : {}),
          ...(downAfterMs !== undefined ? { downAfterMs } : {}),
          ...(values['ip-range'] ? { ipRange: values['ip-range'] } : {}),
          installDeps: values['install-deps'] ? 'yes' : 'ask',
          confirm: askYesNo,
          onProgress: (line) => {
            if (!json) process.stderr.write(`${line}\n`);
          },
        });
        const monitoringLab = values.monitoring ? await import('../lab/monitoring/lab.js') : undefined;
        const monitoring = !monitoringLab
          ? undefined
          : result.settings.mode === 'container'
            ? await monitoringLab.startContainerLabMonitoring(stateDir, result.droplets, (line) => {
                if (!json) process.stderr.write(`${line}\n`);
              })
            : await monitoringLab.startLabMonitoring(stateDir, result.droplets);
        if (json) {
          process.stdout.write(
            `${JSON.stringify({ ok: true, ...result, ...(monitoring ? { monitoring } : {}) })}\n`,
          );
        } else {
          for (const droplet of result.droplets) {
            process.stdout.write(
              `${droplet.name.padEnd(11)} ${droplet.role.padEnd(8)} ${droplet.privateIp}:${droplet.port}  ${droplet.action}\n`,
            );
          }
          process.stdout.write(
            `Lab (${result.settings.mode ?? 'loopback'} mode) healthy in ${(result.elapsedMs / 1000).toFixed(1)} s: CKQUORUM OK on all Sentinels, replica links up. API: ${result.apiUrl}\n`,
          );
          if (monitoring) {
            const { formatMonitoringInfo } = await import('../lab/monitoring/index.js');
            process.stdout.write(`${formatMonitoringInfo(monitoring)}\n`);
          }
        }
        return EXIT.passed;
      }
      case 'status': {
        const status = await lab.labStatus(stateDir, {
          showPassword: values['show-password'] === true,
          withLogs: json,
        });
        const monitoringModule = await import('../lab/monitoring/index.js');
        const monitoring = await monitoringModule.monitoringStatus(stateDir);
        if (json)
          process.stdout.write(`${JSON.stringify(monitoring ? { ...status, monitoring } : status)}\n`);
        else {
          const lines = [
            ...lab.formatLabStatus(status),
            ...monitoringModule.formatMonitoringStatus(monitoring),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return status.running ? EXIT.passed : EXIT.failed;
      }
      case 'down': {
        const { stopMonitoring } = await import('../lab/monitoring/index.js');
        const stoppedMonitoring = await stopMonitoring(stateDir);
        const result = await lab.labDown(stateDir);
        if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...result, stoppedMonitoring })}\n`);
        else {
          if (stoppedMonitoring.length > 0) {
            process.stdout.write(`Monitoring stopped: ${stoppedMonitoring.join(', ')}\n`);
          }
          process.stdout.write(
            `Lab stopped: ${result.stoppedDroplets.length} droplet(s) and the emulator; removed ${result.removed}\n`,
          );
        }
        return EXIT.passed;
      }
      case '_daemon': {
        const { runLabDaemon } = await import('../lab/daemon.js');
        return await runLabDaemon({
          stateDir,
          ipRange: values['ip-range'] ?? '127.10.0.0/24',
          mode: mode ?? 'loopback',
        });
      }
      case '_vpc-agent': {
        const [{ runVpcAgent }, { containerLabFiles }] = await Promise.all([
          import('../lab/container/vpc-agent.js'),
          import('../lab/container/state.js'),
        ]);
        return await runVpcAgent(containerLabFiles(stateDir));
      }
      default:
        process.stderr.write(`drillbook lab: unknown command ${command} (image, up, status, down)\n`);
        return EXIT.usage;
    }
  } catch (error) {
    const message = (error as Error).message;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    process.stderr.write(`drillbook lab ${command}: ${message}\n`);
    // Unusable flag values (--replicas 0, a bad --ip-range) are usage errors, as the README promises.
    return error instanceof UsageError || error instanceof lab.LabSettingsError ? EXIT.usage : EXIT.failed;
  }
}

async function runImageCommand(argv: string[], json: boolean): Promise<number> {
  const [action, ...extra] = argv;
  if (extra.length > 0 || !['build', 'status', 'clean'].includes(action ?? '')) {
    process.stderr.write('drillbook lab image: expected build, status or clean\n');
    return EXIT.usage;
  }
  const image = await import('../lab/container/image.js');
  try {
    if (action === 'build') {
      const status = await image.imageStatus();
      if (status.ready) {
        if (json) process.stdout.write(`${JSON.stringify({ ok: true, built: false, ...status })}\n`);
        else process.stdout.write(`Lab image ${status.key} is already built: ${status.dir}\n`);
        return EXIT.passed;
      }
      const manifest = await image.buildImage({
        onProgress: (line) => {
          if (!json) process.stderr.write(`${line}\n`);
        },
      });
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, built: true, manifest })}\n`);
      return EXIT.passed;
    }
    if (action === 'status') {
      const status = await image.imageStatus();
      if (json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else {
        process.stdout.write(
          status.manifest
            ? `Lab image ${status.key}: built ${status.manifest.builtAt} in ${status.manifest.buildSeconds} s, ${status.manifest.repoPackages} offline packages\n  ${status.dir}\n`
            : `Lab image ${status.key}: not built (run \`drillbook lab image build\`)\n`,
        );
        if (status.stale.length > 0) {
          process.stdout.write(
            `Older images (\`drillbook lab image clean\` removes them): ${status.stale.join(', ')}\n`,
          );
        }
      }
      return status.ready ? EXIT.passed : EXIT.failed;
    }
    const removed = await image.cleanImages();
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, removed })}\n`);
    else process.stdout.write(`Removed ${removed}\n`);
    return EXIT.passed;
  } catch (error) {
    const message = (error as Error).message;
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    process.stderr.write(`drillbook lab image ${action}: ${message}\n`);
    return EXIT.failed;
  }
}
