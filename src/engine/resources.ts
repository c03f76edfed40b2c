import type { RunResources } from '../contract/action.js';

interface Entry {
  value: unknown;
  dispose: (value: unknown) => Promise<void> | void;
}

/** Shared run-scoped objects, created on first use and closed in reverse order of creation. */
export function createRunResources(onDisposeError: (key: string, error: unknown) => void): RunResources {
  const entries = new Map<string, Entry>();
  return {
    get<T>(key: string, create: () => T, dispose: (value: T) => Promise<void> | void): T {
      const existing = entries.get(key);
      if (existing) return existing.value as T;
      const value = create();
      entries.set(key, { value, dispose: dispose as Entry['dispose'] });
      return value;
    },
    async closeAll(): Promise<void> {
      const all = [...entries.entries()].reverse();
      entries.clear();
      for (const [key, entry] of all) {
        try {
          await entry.dispose(entry.value);
        } catch (error) {
          onDisposeError(key, error);
        }
      }
    },
  };
}
