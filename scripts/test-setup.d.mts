// Types for scripts/test-setup.mjs, which the tests import to check for the programs they start.
export interface SystemPackage {
  /** The Debian package name. */
  name: string;
  /** An executable looked up on PATH (sbin included), or an absolute path, that proves it is installed. */
  proof: string;
}
export const systemPackages: SystemPackage[];
export function locate(proof: string): string | undefined;
export function missingPackages(): string[];
export function installCommand(names: string[]): string;
/** The background lab image build's output, and the file holding its pid (absolute paths). */
export const imageBuildLog: string;
export const imageBuildPidFile: string;
