// The addressable namespace: vars.*, run.*, <actionId>.* and published paths (engine-api.md).
import { lookupPath, TemplateError } from '../runbook/template.js';

export class ResultStore {
  private readonly root: Record<string, unknown> = Object.create(null);

  /** Sets a dotted path, creating the objects on the way (e.g. "probe.app" or "inventory.redis-1"). */
  set(path: string, value: unknown): void {
    const segments = path.split('.');
    let container = this.root;
    for (const segment of segments.slice(0, -1)) {
      const next = container[segment];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        const created: Record<string, unknown> = {};
        container[segment] = created;
        container = created;
      } else {
        container = next as Record<string, unknown>;
      }
    }
    container[segments[segments.length - 1] as string] = value;
  }

  /** The value at path; throws TemplateError naming the first missing segment. */
  resolve(path: string): unknown {
    const found = lookupPath(this.root, path);
    if (!found.found) throw new TemplateError(path, found.missingAt);
    return found.value;
  }

  /** Removes a top-level name (the element each= bound as item). */
  delete(name: string): void {
    delete this.root[name];
  }

  has(path: string): boolean {
    return lookupPath(this.root, path).found;
  }

  snapshot(): Record<string, unknown> {
    return { ...this.root };
  }
}
