// The PATH side of a check line beyond a plain dot path: `length(PATH)` (items of a list, characters of a
// text, keys of an object) and element selectors `PATH[field=value].more` that find the list element (or
// object entry) whose field equals value — the replica with a given address — so a check never depends on
// the order Sentinel or Redis list things in.
import { lookupPath, PATH_PATTERN } from '../../runbook/template.js';
import { LineError, type Operand, readScalar, type Scanner } from './values.js';

export type PathStep = { kind: 'select'; field: string; value: Operand } | { kind: 'path'; path: string };

export interface PathTarget {
  /** The plain dot path before the first selector: what ctx.resolve reads and check-time validation checks. */
  base: string;
  steps: PathStep[];
  length: boolean;
}

const PATH_CHAR = /[A-Za-z0-9_.-]/;
const FIELD_CHAR = /[A-Za-z0-9_-]/;

function readDotPath(s: Scanner, what: string): string {
  const start = s.pos;
  const path = s.takeWhile(PATH_CHAR);
  if (!path) {
    throw new LineError(
      `expected ${what}, found "${s.word()}"`,
      start,
      'write PATH OP EXPECTED, e.g. replication.role == master',
    );
  }
  if (!PATH_PATTERN.test(path)) {
    throw new LineError(
      `"${path}" is not a result path`,
      start,
      'a path is dot-separated names, e.g. nodes.redis-1.role',
    );
  }
  return path;
}

function readSelector(s: Scanner): PathStep {
  const start = s.pos;
  s.pos++;
  const field = s.takeWhile(FIELD_CHAR);
  if (!field || s.peek() !== '=') {
    throw new LineError(
      'expected [field=value]',
      start,
      'find a list element by one of its fields, e.g. replicas[ip=10.10.0.11].state',
    );
  }
  s.pos++;
  const value = readScalar(s, true);
  if (s.peek() !== ']') throw new LineError('expected ] to close the selector', s.pos, 'write [field=value]');
  s.pos++;
  return { kind: 'select', field, value };
}

/** Reads `length(…)` or a dot path with selectors. */
export function readTarget(s: Scanner): PathTarget {
  const length = s.text.startsWith('length(', s.pos);
  if (length) s.pos += 'length('.length;
  const base = readDotPath(s, 'a result path');
  const steps: PathStep[] = [];
  while (s.peek() === '[') {
    steps.push(readSelector(s));
    if (s.peek() === '.') {
      s.pos++;
      steps.push({ kind: 'path', path: readDotPath(s, 'a field after the selector') });
    }
  }
  if (length) {
    if (s.peek() !== ')') throw new LineError('expected ) to close length(', s.pos, 'write length(PATH)');
    s.pos++;
  }
  return { base, steps, length };
}

export function isPlain(target: PathTarget): boolean {
  return !target.length && target.steps.length === 0;
}

/** missing: why the value is not there, in words (shown as <missing: …>). */
export type Found = { found: true; value: unknown } | { found: false; missing: string };

/**
 * Applies the selectors and length() to the value at the base path. equalTo decides whether a field
 * matches (the check's own == rules); value resolves a selector's {{ path }}.
 */
export function followTarget(
  target: PathTarget,
  baseValue: unknown,
  equalTo: (actual: unknown, expected: unknown) => boolean,
  operand: (op: Operand) => Found,
): Found {
  let current = baseValue;
  let where = target.base;
  for (const step of target.steps) {
    if (step.kind === 'path') {
      const found = lookupPath(current, step.path);
      if (!found.found)
        return {
          found: false,
          missing: `segment "${found.missingAt.split('.').at(-1)}" not found in ${where}`,
        };
      current = found.value;
      where = `${where}.${step.path}`;
      continue;
    }
    const wanted = operand(step.value);
    if (!wanted.found) return wanted;
    const items = Array.isArray(current)
      ? current
      : current !== null && typeof current === 'object'
        ? Object.values(current)
        : undefined;
    if (!items)
      return {
        found: false,
        missing: `${where} is not a list, so [${step.field}=…] finds nothing`,
      };
    const hit = items.find(
      (item) =>
        item !== null &&
        typeof item === 'object' &&
        Object.hasOwn(item, step.field) &&
        equalTo((item as Record<string, unknown>)[step.field], wanted.value),
    );
    where = `${where}[${step.field}=${step.value.text}]`;
    if (hit === undefined)
      return {
        found: false,
        missing: `no element of ${where.slice(0, where.lastIndexOf('['))} has ${step.field} == ${step.value.text}`,
      };
    current = hit;
  }
  if (!target.length) return { found: true, value: current };
  if (Array.isArray(current) || typeof current === 'string') return { found: true, value: current.length };
  if (current !== null && typeof current === 'object')
    return { found: true, value: Object.keys(current).length };
  return {
    found: false,
    missing: `${where} is ${current === null ? 'null' : `a ${typeof current}`}; length() counts lists, text and objects`,
  };
}
