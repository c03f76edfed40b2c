// {{ path }} templating over vars, run info and earlier results. A reference to a value that is not there
// is an error, never a silent empty string.

/** Thrown when a {{ path }} cannot be resolved. */
export class TemplateError extends Error {
  /** The full path that was referenced, e.g. "nodes.droplets.redis-1.private_ip". */
  readonly path: string;
  /** The path up to and including the first segment that was missing, e.g. "nodes.droplets.redis-1". */
  readonly missingAt: string;

  constructor(path: string, missingAt: string = path, message?: string) {
    super(message ?? describeMissing(path, missingAt));
    this.name = 'TemplateError';
    this.path = path;
    this.missingAt = missingAt;
  }
}

const SEGMENT = '[A-Za-z0-9_-]+';
/** A path such as `vars.port` or `nodes.droplets.redis-1.private_ip` (numeric segments index arrays). */
export const PATH_PATTERN = new RegExp(`^${SEGMENT}(?:\\.${SEGMENT})*$`);
const REFERENCE = new RegExp(`\\{\\{\\s*(${SEGMENT}(?:\\.${SEGMENT})*)\\s*\\}\\}`, 'g');

/** Every well-formed {{ path }} in text, with the offset of its opening braces. */
export function findReferences(text: string): Array<{ path: string; offset: number }> {
  const found: Array<{ path: string; offset: number }> = [];
  if (!text.includes('{{')) return found;
  for (const match of text.matchAll(REFERENCE)) {
    found.push({ path: match[1] as string, offset: match.index });
  }
  return found;
}

function describeMissing(path: string, missingAt: string): string {
  const dot = missingAt.lastIndexOf('.');
  if (dot < 0) return `{{ ${path} }}: nothing is named "${missingAt}"`;
  const segment = missingAt.slice(dot + 1);
  const parent = missingAt.slice(0, dot);
  return `{{ ${path} }}: "${parent}" has no "${segment}"`;
}

function child(container: unknown, segment: string): { found: boolean; value?: unknown } {
  if (Array.isArray(container)) {
    if (!/^\d+$/.test(segment)) return { found: false };
    const index = Number(segment);
    return index < container.length ? { found: true, value: container[index] } : { found: false };
  }
  if (container instanceof Map) {
    return container.has(segment) ? { found: true, value: container.get(segment) } : { found: false };
  }
  if (container !== null && typeof container === 'object') {
    // Own properties only, so "constructor" or "__proto__" never resolve to something nobody published.
    if (!Object.hasOwn(container, segment)) return { found: false };
    return { found: true, value: (container as Record<string, unknown>)[segment] };
  }
  return { found: false };
}

/**
 * Walks a dotted path through nested objects, arrays (numeric segments) and Maps.
 * An undefined value counts as missing; missingAt is the path through the first segment not found.
 */
export function lookupPath(
  root: unknown,
  path: string,
): { found: true; value: unknown } | { found: false; missingAt: string } {
  const segments = path.split('.');
  let current = root;
  for (let i = 0; i < segments.length; i++) {
    const step = child(current, segments[i] as string);
    if (!step.found || step.value === undefined) {
      return { found: false, missingAt: segments.slice(0, i + 1).join('.') };
    }
    current = step.value;
  }
  return { found: true, value: current };
}

/** How a resolved value appears in text: strings as they are, objects and arrays as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null';
  return JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? inner.toString() : inner));
}

/**
 * Replaces every {{ path }} with lookup(path). lookup throws TemplateError for a missing path;
 * a lookup that returns undefined is treated the same way. Text that is not a well-formed reference is kept.
 */
export function renderTemplate(text: string, lookup: (path: string) => unknown): string {
  if (!text.includes('{{')) return text;
  return text.replace(REFERENCE, (_match, path: string) => {
    const value = lookup(path);
    if (value === undefined) throw new TemplateError(path);
    return formatValue(value);
  });
}

/**
 * Renders each {{ path }} that resolves and keeps one whose value does not exist yet as written (a result an
 * earlier action of the same step will produce), for texts shown before a step runs.
 */
export function renderKnown(text: string, render: (text: string) => string): string {
  if (!text.includes('{{')) return render(text);
  return text.replace(REFERENCE, (reference) => {
    try {
      return render(reference);
    } catch (error) {
      if (error instanceof TemplateError) return reference;
      throw error;
    }
  });
}
