// `npm test` runs this first: the integration tests start real programs (Redis and Sentinel, tmux, sshd,
// PHP with Predis, Prometheus, redis_exporter, Alertmanager, the container lab's debootstrap and nspawn),
// so they must be installed. As root on Debian/Ubuntu it installs what is missing with apt-get, the way
// `drillbook run --install-deps` does for the lab; elsewhere it prints the exact command and stops.
// Set-up is a list of steps; each says what it needs and does it, so a new one (an image build) is one entry.
import { execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Debian packages the tests need, each with a file that proves it is there on any system: an
 * executable looked up on PATH (sbin included), or an absolute path.
 */
export const systemPackages = [
  { name: 'redis-server', proof: 'redis-server' },
  { name: 'redis-sentinel', proof: 'redis-sentinel' },
  { name: 'tmux', proof: 'tmux' },
  { name: 'openssh-server', proof: 'sshd' },
  { name: 'php-cli', proof: 'php' },
  { name: 'php-predis', proof: '/usr/share/php/Predis/Autoloader.php' },
  { name: 'prometheus', proof: 'prometheus' },
  { name: 'prometheus-redis-exporter', proof: 'prometheus-redis-exporter' },
  { name: 'prometheus-alertmanager', proof: 'prometheus-alertmanager' },
  { name: 'debootstrap', proof: 'debootstrap' },
  { name: 'systemd-container', proof: 'systemd-nspawn' },
  { name: 'nftables', proof: 'nft' },
  { name: 'dpkg-dev', proof: 'dpkg-scanpackages' },
];

const searchPath = [
  ...(process.env.PATH ?? '').split(path.delimiter),
  '/usr/local/sbin',
  '/usr/sbin',
  '/sbin',
].filter(Boolean);

/** Where the proof of a package is, or undefined when it is not installed. */
export function locate(proof) {
  const candidates = path.isAbsolute(proof) ? [proof] : searchPath.map((dir) => path.join(dir, proof));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, path.isAbsolute(proof) ? constants.R_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingPackages() {
  return systemPackages.filter((pkg) => locate(pkg.proof) === undefined).map((pkg) => pkg.name);
}

/** The command an operator runs to install packages, as the tests print it when one is missing. */
export function installCommand(names) {
  return `sudo apt-get install -y --no-install-recommends ${names.join(' ')}`;
}

function aptPossible() {
  if (process.getuid?.() !== 0) return false;
  const release = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && locate('apt-get') !== undefined;
}

function aptInstall(names) {
  console.log(`test setup: installing ${names.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // The tests start every server they need on loopback themselves; packages must not start their own.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

/** Installs the missing packages, or returns why it cannot (with the command to run by hand). */
function installSystemPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return undefined;
  if (!aptPossible()) {
    return (
      `the integration tests need ${missing.join(', ')} (Debian package names), not installed.\n` +
      `  Debian/Ubuntu:  ${installCommand(missing)}\n` +
      '  other systems:  install the same programs with your package manager, then run npm test again.'
    );
  }
  aptInstall(missing);
  const still = missingPackages();
  return still.length === 0 ? undefined : `apt-get ran, but ${still.join(', ')} still missing`;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the background image build writes its output and its pid, for the container tests to wait on. */
export const imageBuildLog = path.join(repo, 'node_modules/.cache/lab-image-build.log');
export const imageBuildPidFile = path.join(repo, 'node_modules/.cache/lab-image-build.pid');

/**
 * The container lab's base image (debootstrap + offline apt repository, about 2 minutes), built once into the
 * user's cache folder and reused while its recipe is unchanged. Only the container tests need it and they run
 * last, so it is built in the background while the other tests run; test/helpers/container-image-setup.ts
 * makes the container tests wait for it and fail with its log if it failed. A build that finds the image
 * already there exits at once. Only as root on Linux: elsewhere the container tests fail with that reason.
 */
function startContainerImageBuild() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  // The build runs the CLI from dist/, loading chunks as it goes: dist/ must not be rebuilt under it.
  if (!existsSync(path.join(repo, 'dist'))) {
    return 'dist/ is missing: run `npm run build` first (npm test builds before this set-up)';
  }
  try {
    mkdirSync(path.dirname(imageBuildLog), { recursive: true });
    const log = openSync(imageBuildLog, 'w');
    const build = spawn(process.execPath, [path.join(repo, 'bin/drillbook.js'), 'lab', 'image', 'build'], {
      cwd: repo,
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    writeFileSync(imageBuildPidFile, `${build.pid}\n`);
    build.unref();
    console.log(
      `test setup: the container lab image is built in the background (log: ${path.relative(process.cwd(), imageBuildLog)})`,
    );
    return undefined;
  } catch (error) {
    return `starting the container lab image build failed (${error.message}); run \`drillbook lab image build\` to see why`;
  }
}

/** The set-up steps, in order; each returns undefined when done or a message saying what to do. */
const steps = [installSystemPackages, startContainerImageBuild];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const step of steps) {
    const problem = step();
    if (problem) {
      console.error(`test setup: ${problem}`);
      process.exit(1);
    }
  }
}
