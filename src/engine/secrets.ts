// Secrets a resumed run needs again (generated values, secret answers an action published) are kept beside
// the journal in a 0600 file, never in the journal itself, whose copies are masked.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KeptSecrets {
  /** Variable name → value made by `generate`. */
  generated: Record<string, string>;
  /** Published path → value, for values published with { secret: true } (e.g. vars.NAME from a prompt). */
  published: Record<string, unknown>;
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
