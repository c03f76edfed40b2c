// Secrets a resumed run needs again (generated values, secret answers an action published) are kept beside
// the journal in a 0600 file, never in the journal itself, whose copies are masked.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface KeptSecrets {
  /** Variable name → value made by `generate`. */
  generated: Record<string, string>;
  /** Published path → value, for values published with { secret: true } (e.g. vars.NAME from a prompt). */
  published: Record<string, unknown>;
}

/**
 * API tokens in drillbook's own environment: shell steps inherit it, so a step that prints its environment
 * (or a token in a URL) would show them whatever the target, and they are known before anything runs.
 */
export const INHERITED_TOKEN_VARIABLES = ['DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN'] as const;

export function inheritedTokens(env: NodeJS.ProcessEnv = process.env): string[] {
  return INHERITED_TOKEN_VARIABLES.flatMap((name) => {
    const value = env[name]?.trim();
    return value ? [value, env[name] as string] : [];
  });
}

/** The journal path with .jsonl replaced by .secrets.json. */
export function secretsPathFor(journalPath: string): string {
  return `${journalPath.replace(/\.jsonl$/, '')}.secrets.json`;
}

export function readKeptSecrets(path: string): KeptSecrets {
  if (!existsSync(path)) return { generated: {}, published: {} };
  const kept = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeptSecrets>;
  return { generated: kept.generated ?? {}, published: kept.published ?? {} };
}

export function writeKeptSecrets(path: string, secrets: KeptSecrets): void {
  // Written when the run starts, before the journal's first line has created the runs folder.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(secrets)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Values a runbook generated (passwords) are kept per runbook and target, not only per run: a second run
 * adopts the droplets the first one created, so it must use the same password they were built with.
 */
export function generatedStorePath(journalPath: string, runbookFile: string, target: string): string {
  const digest = createHash('sha256').update(resolve(runbookFile)).digest('hex').slice(0, 16);
  return join(dirname(journalPath), 'generated', `${target}-${digest}.json`);
}

export function readGeneratedStore(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { generated?: Record<string, string> };
  return stored.generated ?? {};
}

export function writeGeneratedStore(
  path: string,
  runbookFile: string,
  generated: Record<string, string>,
): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const body = { runbook: resolve(runbookFile), generated };
  writeFileSync(path, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
