// Integration tests start real programs. Each checks for the ones it needs first and fails, naming the
// install command, when one is missing: a test that skips silently proves nothing.
import { installCommand, locate, systemPackages } from '../../scripts/test-setup.mjs';

/** Throws unless every named Debian package (from scripts/test-setup.mjs) is installed. */
export function requirePackages(...names: string[]): void {
  const missing = names.filter((name) => {
    const known = systemPackages.find((candidate) => candidate.name === name);
    if (!known) throw new Error(`${name} is not in scripts/test-setup.mjs's systemPackages: add it there`);
    return locate(known.proof) === undefined;
  });
  if (missing.length === 0) return;
  throw new Error(
    `this test needs ${missing.join(', ')}, not installed. Install with: ${installCommand(missing)}` +
      ' (npm test does it itself when run as root on Debian/Ubuntu)',
  );
}
