// Tolerant readers for result data whose exact shape other kinds define: try the usual field names,
// accept arrays or name-keyed maps, and fall back to nothing rather than throwing.

export type Row = Record<string, unknown>;

export function isRecord(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first field present (dotted paths allowed), or undefined. */
export function pick(row: Row, ...names: string[]): unknown {
  for (const name of names) {
    let current: unknown = row;
    for (const segment of name.split('.')) {
      current = isRecord(current) ? current[segment] : undefined;
    }
    if (current !== undefined && current !== null && current !== '') return current;
  }
  return undefined;
}

export function text(value: unknown, fallback = '—'): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string') return value;
  // A monotonic time like 29101.636646 reads as 29101.6: nobody reads past a tenth of a millisecond.
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(1)));
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Rows out of data shaped as an array, a { <listKey>: [...] } wrapper or a { name: row } map. Map keys
 * become the `name` (or nameKey) of rows that lack one.
 */
export function rowsOf(data: unknown, listKeys: string[], nameKey = 'name'): Row[] {
  if (Array.isArray(data)) return data.filter(isRecord);
  if (!isRecord(data)) return [];
  for (const key of listKeys) {
    const inner = data[key];
    if (Array.isArray(inner) || isRecord(inner)) {
      const rows = rowsOf(inner, [], nameKey);
      if (rows.length > 0) return rows;
    }
  }
  const entries = Object.entries(data).filter(([, v]) => isRecord(v));
  if (entries.length === 0) return [];
  return entries.map(([key, value]) => ({ [nameKey]: key, ...(value as Row) }));
}
