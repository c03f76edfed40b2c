// The container lab's base image: a Debian bookworm root filesystem built with debootstrap from Debian's
// archive (DigitalOcean's `ubuntu-24-04-x64` slug maps onto it: the only OS archive these machines reach),
// plus a file-based apt repository with the packages the shipped runbooks install, so cloud-init's
// `package_update`/`packages` work with no network. Built once into the user's cache folder under a key
// derived from the recipe below: change the recipe and the next `lab up` builds a new image.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from './exec.js';

export const IMAGE_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  /**
   * python3-cffi-backend: debootstrap does not resolve cloud-init's virtual dependency on it, and without
   * it cloud-init stays unconfigured. locales: cloud-init's locale module fails unless en_US.UTF-8 exists.
   */
  include: [
    'systemd',
    'systemd-sysv',
    'dbus',
    'cloud-init',
    'python3-cffi-backend',
    'python3-yaml',
    'curl',
    'iproute2',
    'ca-certificates',
    'iputils-ping',
    'netbase',
    'ifupdown',
    'locales',
    // DigitalOcean's images run sshd from the first boot (cloud-init gives each droplet its own host keys).
    'openssh-server',
  ],
  /** Served offline to the droplets with their dependency closure (the runbooks' nodes and jump host). */
  repoPackages: [
    'redis-server',
    'redis-sentinel',
    'redis-tools',
    'openssh-server',
    'php-cli',
    'php-predis',
    // The monitoring droplet of `lab up --monitoring` (src/lab/monitoring/droplet.ts).
    'prometheus',
    'prometheus-alertmanager',
    'prometheus-redis-exporter',
  ],
  locale: 'en_US.UTF-8',
  /** Bumped when the preparation steps in prepareRoot change. */
  prepVersion: 3,
} as const;

/** Where droplets see the offline repository (bound read-only into each container). */
export const REPO_MOUNT = '/srv/localrepo';

export function imageKey(recipe: typeof IMAGE_RECIPE = IMAGE_RECIPE): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

export function imageCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'drillbook', 'lab-image');
}

export interface ImagePaths {
  dir: string;
  rootfs: string;
  repo: string;
  /** Written last: an image without it is incomplete and gets rebuilt. */
  manifest: string;
}

export function imagePaths(env: NodeJS.ProcessEnv = process.env, key = imageKey()): ImagePaths {
  const dir = path.join(imageCacheRoot(env), key);
  return {
    dir,
    rootfs: path.join(dir, 'rootfs'),
    repo: path.join(dir, 'repo'),
    manifest: path.join(dir, 'image.json'),
  };
}

export interface ImageManifest {
  key: string;
  suite: string;
  builtAt: string;
  buildSeconds: number;
  repoPackages: number;
}

export interface ImageStatus {
  key: string;
  dir: string;
  ready: boolean;
  manifest?: ImageManifest;
  /** Image folders of other recipe versions, which `lab image clean` removes. */
  stale: string[];
}

export async function imageStatus(env: NodeJS.ProcessEnv = process.env): Promise<ImageStatus> {
  const paths = imagePaths(env);
  const key = imageKey();
  const manifest = await readFile(paths.manifest, 'utf8')
    .then((text) => JSON.parse(text) as ImageManifest)
    .catch(() => undefined);
  const all = await readdir(imageCacheRoot(env)).catch(() => [] as string[]);
  return {
    key,
    dir: paths.dir,
    ready: manifest !== undefined,
    ...(manifest ? { manifest } : {}),
    stale: all.filter((name) => name !== key).map((name) => path.join(imageCacheRoot(env), name)),
  };
}

export function requireRoot(what: string): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      `${what} needs root on Linux (systemd-nspawn, network namespaces and overlay mounts); run it as root, or use \`--mode loopback\``,
    );
  }
}

async function requireTools(): Promise<void> {
  const missing = [
    ['debootstrap', '/usr/sbin/debootstrap', 'debootstrap'],
    ['systemd-nspawn', '/usr/bin/systemd-nspawn', 'systemd-container'],
    ['nft', '/usr/sbin/nft', 'nftables'],
    ['dpkg-scanpackages', '/usr/bin/dpkg-scanpackages', 'dpkg-dev'],
  ].filter(([, file]) => !existsSync(file as string));
  if (missing.length > 0) {
    throw new Error(
      `the container lab needs ${missing.map(([tool]) => tool).join(', ')}: apt-get install ${missing.map(([, , pkg]) => pkg).join(' ')}`,
    );
  }
}

/** The cached image of the current recipe, or an error saying how to build it. */
export async function requireImage(env: NodeJS.ProcessEnv = process.env): Promise<ImagePaths> {
  const paths = imagePaths(env);
  if (!existsSync(paths.manifest)) {
    throw new Error(
      `the container lab image ${imageKey()} is not built (${paths.dir}); run \`drillbook lab image build\``,
    );
  }
  return paths;
}

/** The image, built first when the cache does not hold the current recipe's. */
export async function ensureImage(
  options: { env?: NodeJS.ProcessEnv; onProgress?: (line: string) => void } = {},
): Promise<ImagePaths> {
  const paths = imagePaths(options.env);
  if (existsSync(paths.manifest)) return paths;
  await buildImage(options);
  return paths;
}

export async function buildImage(
  options: { env?: NodeJS.ProcessEnv; onProgress?: (line: string) => void } = {},
): Promise<ImageManifest> {
  requireRoot('building the container lab image');
  await requireTools();
  const progress = options.onProgress ?? (() => {});
  const started = performance.now();
  const paths = imagePaths(options.env);
  const building = `${paths.dir}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true, mode: 0o755 });
  try {
    const rootfs = path.join(building, 'rootfs');
    progress(`building the lab image ${imageKey()} (debootstrap ${IMAGE_RECIPE.suite}, about 2 minutes)`);
    let fetched = 0;
    await run(
      'debootstrap',
      [
        `--variant=${IMAGE_RECIPE.variant}`,
        `--include=${IMAGE_RECIPE.include.join(',')}`,
        IMAGE_RECIPE.suite,
        rootfs,
      ],
      {
        onLine: (line) => {
          // debootstrap prints one line per package; report every 50th, and each stage.
          if (/^I: Retrieving|^I: Unpacking|^I: Configuring/.test(line) && ++fetched % 50 !== 0) return;
          progress(`  ${line.replace(/^I: /, '')}`);
        },
        timeoutMs: 15 * 60_000,
      },
    );
    progress('preparing the image (locale, cloud-init NoCloud, no getty)');
    await prepareRoot(rootfs);
    progress(`collecting the offline apt repository (${IMAGE_RECIPE.repoPackages.join(', ')})`);
    const count = await buildRepo(path.join(building, 'repo'), progress);
    const manifest: ImageManifest = {
      key: imageKey(),
      suite: IMAGE_RECIPE.suite,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - started) / 1000),
      repoPackages: count,
    };
    await writeFile(path.join(building, 'image.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(paths.manifest)) {
      // Another drillbook built the same recipe meanwhile, and labs may already boot from it: keep that one.
      await rm(building, { recursive: true, force: true });
      progress(`lab image ready (built meanwhile by another drillbook): ${paths.dir}`);
      return manifest;
    }
    await rm(paths.dir, { recursive: true, force: true });
    await rename(building, paths.dir);
    progress(`lab image ready in ${manifest.buildSeconds} s: ${paths.dir}`);
    return manifest;
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw new Error(`building the container lab image failed: ${(error as Error).message}`);
  }
}

/** Makes the debootstrapped tree boot cleanly as an nspawn container and run cloud-init from a seed. */
async function prepareRoot(rootfs: string): Promise<void> {
  const at = (file: string) => path.join(rootfs, file);
  // Each container gets a fresh identity at first boot; resolv.conf is the droplet's own business.
  await writeFile(at('etc/machine-id'), '');
  await writeFile(at('etc/resolv.conf'), '');
  await writeFile(at('etc/hostname'), 'localhost\n');
  // Generated by the package for the image; each droplet gets its own from cloud-init at first boot.
  for (const file of await readdir(at('etc/ssh'))) {
    if (file.startsWith('ssh_host_')) await rm(at(`etc/ssh/${file}`), { force: true });
  }
  // No consoles to log in on, and no timers (apt-daily, man-db…) competing for the machine's two cores.
  for (const dir of ['etc/systemd/system/getty.target.wants', 'etc/systemd/system/timers.target.wants']) {
    await rm(at(dir), { recursive: true, force: true });
  }
  for (const unit of ['getty@.service', 'serial-getty@.service', 'console-getty.service']) {
    await rm(at(`etc/systemd/system/${unit}`), { force: true });
    await symlink('/dev/null', at(`etc/systemd/system/${unit}`));
  }
  await mkdir(at('etc/cloud/cloud.cfg.d'), { recursive: true });
  await writeFile(
    at('etc/cloud/cloud.cfg.d/90_lab.cfg'),
    '# drillbook lab: user-data comes from the NoCloud seed; the lab configures the network itself.\n' +
      'datasource_list: [ NoCloud, None ]\nnetwork: {config: disabled}\n' +
      "# As on DigitalOcean's images: the droplet's SSH keys log in as root.\ndisable_root: false\n",
  );
  await writeFile(at('etc/locale.gen'), `${IMAGE_RECIPE.locale} UTF-8\n`);
  await run('chroot', [rootfs, 'locale-gen']);
  await writeFile(at('etc/default/locale'), `LANG=${IMAGE_RECIPE.locale}\n`);
  // apt reads only the lab's offline repository: there is no network inside the lab.
  await writeFile(at('etc/apt/sources.list'), `deb [trusted=yes] file:${REPO_MOUNT} ./\n`);
  await rm(at('var/cache/apt/archives'), { recursive: true, force: true });
  await mkdir(at('var/cache/apt/archives/partial'), { recursive: true });
  await mkdir(at(REPO_MOUNT.slice(1)), { recursive: true });
}

/** Downloads the repo packages' dependency closure with the host's apt (the same suite) and indexes it. */
async function buildRepo(repo: string, progress: (line: string) => void): Promise<number> {
  const pool = path.join(repo, 'pool');
  await mkdir(pool, { recursive: true });
  const tree = await run('apt-cache', [
    'depends',
    '--recurse',
    '--no-recommends',
    '--no-suggests',
    '--no-conflicts',
    '--no-breaks',
    '--no-replaces',
    '--no-enhances',
    ...IMAGE_RECIPE.repoPackages,
  ]);
  // Package names are the unindented lines; <virtual> names have no package of their own to download.
  const names = [...new Set(tree.split('\n').filter((line) => /^[a-z0-9]/.test(line)))].map((line) =>
    line.trim(),
  );
  progress(`  downloading ${names.length} packages`);
  // As root apt would hand the download to its _apt sandbox user, who cannot write into the cache folder.
  await run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', ...names], {
    cwd: pool,
    timeoutMs: 10 * 60_000,
  }).catch((error: Error) => {
    throw new Error(
      `${error.message}\n  (the host's apt lists may be missing or stale: run \`apt-get update\` and build again)`,
    );
  });
  const packages = await run('dpkg-scanpackages', ['--multiversion', 'pool', '/dev/null'], { cwd: repo });
  await writeFile(path.join(repo, 'Packages'), packages);
  const debs = (await readdir(pool)).filter((file) => file.endsWith('.deb'));
  const size = (await Promise.all(debs.map((file) => stat(path.join(pool, file))))).reduce(
    (sum, info) => sum + info.size,
    0,
  );
  progress(`  ${debs.length} packages, ${(size / 1e6).toFixed(0)} MB`);
  return debs.length;
}

export async function cleanImages(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const root = imageCacheRoot(env);
  await rm(root, { recursive: true, force: true });
  return root;
}
