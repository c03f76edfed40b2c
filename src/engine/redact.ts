// Secrets are masked before an event reaches any subscriber or the journal, in every form
// a value takes on its way to output: verbatim, and as the encodings tools print it in.

export const MASK = '••••••';

/** Masks every known secret value in strings, deeply in structured data too. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Values shorter than this would mask ordinary words; such secrets are refused at variable resolution. */
  static readonly MIN_LENGTH = 3;

  add(value: string | undefined): void {
    if (!value || value.length < Redactor.MIN_LENGTH || this.secrets.has(value)) return;
    for (const form of encodedForms(value)) this.secrets.add(form);
    // Longest first, so a secret that contains another is masked whole.
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  get size(): number {
    return this.secrets.size;
  }

  text(value: string): string {
    if (!this.pattern) return value;
    return value.replace(this.pattern, MASK);
  }

  /** A JSON-safe, redacted copy: strings masked, Maps turned into objects, cycles and functions dropped. */
  deep<T>(value: T): T {
    return this.copy(value, new WeakSet(), 0) as T;
  }

  private copy(value: unknown, seen: WeakSet<object>, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value) || depth > 32) return '[circular]';
    seen.add(value);
    try {
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Error) return this.text(value.message);
      if (Array.isArray(value)) return value.map((item) => this.copy(item, seen, depth + 1) ?? null);
      if (value instanceof Map) {
        const out: Record<string, unknown> = {};
        for (const [key, item] of value) out[this.text(String(key))] = this.copy(item, seen, depth + 1);
        return out;
      }
      if (value instanceof Set) return [...value].map((item) => this.copy(item, seen, depth + 1) ?? null);
      const withToJson = value as { toJSON?: () => unknown };
      if (typeof withToJson.toJSON === 'function') return this.copy(withToJson.toJSON(), seen, depth + 1);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const copied = this.copy(item, seen, depth + 1);
        if (copied !== undefined) out[this.text(key)] = copied;
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
}

/**
 * The forms a secret can reach output in: as is; escaped inside a JSON string (an API body, --json);
 * quoted the way redis-cli and drillbook show a Redis argument (\\, \", \n); and URL-encoded (a
 * password in a redis:// URL or a query string, with %20 or + for a space).
 */
export function encodedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const redisQuoted = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  const url = encodeURIComponent(value);
  const forms = [value, json, redisQuoted, url, url.replace(/%20/g, '+'), encodeURI(value)];
  // Escaping only lengthens a value, so every form is at least as long as the secret itself.
  return [...new Set(forms)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
