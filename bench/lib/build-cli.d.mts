/** Bundles the CLI as scripts/build.mjs does, into a private folder; see build-cli.mjs. */
export function buildPrivateCli(name: string): Promise<{ cli: string; remove: () => void }>;
