// The attributes every action kind takes: id, confirm, timeout, retries, within, safety, and the engine's
// always (cleanup), finding (keep going), each/where (once per element of a list).

import { type ActionBlock, SAFETY_LEVELS, type Safety } from '../contract/runbook.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import { DURATION_HINT, durationProblem, parseDuration } from './duration.js';
import { RESERVED_IDS } from './namespace.js';
import { PATH_PATTERN } from './template.js';

export const COMMON_ATTRIBUTES = [
  'id',
  'confirm',
  'timeout',
  'retries',
  'within',
  'safety',
  'always',
  'finding',
  'each',
  'where',
] as const;
const ACTION_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function isCommonAttribute(key: string): boolean {
  return (COMMON_ATTRIBUTES as readonly string[]).includes(key);
}

/**
 * Applies one common attribute to the block, reporting a bad value at `at`. Returns the explicit safety
 * for `safety=`, since the kind's default is only known once the block is read.
 */
export function applyCommonAttribute(
  block: ActionBlock,
  key: string,
  value: string,
  at: Position,
  diagnostics: DiagnosticList,
): Safety | undefined {
  switch (key) {
    case 'id':
      if (!ACTION_ID.test(value)) {
        diagnostics.error(
          at,
          `id="${value}" is not a valid id`,
          'ids start with a letter or _ and contain letters, digits, _ and -',
        );
      } else if ((RESERVED_IDS as readonly string[]).includes(value)) {
        diagnostics.error(
          at,
          `id="${value}" clashes with the reserved name "${value}"`,
          `choose another id; ${RESERVED_IDS.join(', ')} are reserved`,
        );
      } else block.id = value;
      return undefined;
    case 'confirm':
      block.confirm = value;
      return undefined;
    case 'timeout':
    case 'within': {
      const ms = parseDuration(value);
      const problem = durationProblem(key, value);
      if (ms === undefined) diagnostics.error(at, problem as string, DURATION_HINT);
      else if (ms === 0) diagnostics.error(at, `${key}=${value} must be longer than zero`, DURATION_HINT);
      else if (key === 'timeout') block.timeoutMs = ms;
      else block.withinMs = ms;
      return undefined;
    }
    case 'retries':
      if (/^\d{1,3}$/.test(value)) block.retries = Number(value);
      else
        diagnostics.error(
          at,
          `retries=${value} is not a whole number`,
          'write retries=0, retries=3, ... (at most 999)',
        );
      return undefined;
    case 'safety':
      if ((SAFETY_LEVELS as readonly string[]).includes(value)) return value as Safety;
      diagnostics.error(
        at,
        `safety=${value} is not a safety level`,
        `use one of ${SAFETY_LEVELS.join(', ')}`,
      );
      return undefined;
    case 'always':
    case 'finding':
      if (value === 'true') block[key] = true;
      else if (value !== 'false')
        diagnostics.error(at, `${key}=${value} is not true or false`, `write ${key}=true`);
      return undefined;
    case 'each': {
      const path = value.replace(/^\{\{\s*(.*?)\s*\}\}$/, '$1');
      if (PATH_PATTERN.test(path)) block.each = { path };
      else
        diagnostics.error(
          at,
          `each=${value} is not a result path`,
          'name the list of an earlier result, e.g. each=replicas.last (each element is then {{ item }})',
        );
      return undefined;
    }
    default:
      return undefined;
  }
}

export function safetyRank(safety: Safety): number {
  return SAFETY_LEVELS.indexOf(safety);
}

/** A step's safety: the most dangerous of its blocks, safe when it has none. */
export function stepSafety(actions: readonly Pick<ActionBlock, 'safety'>[]): Safety {
  let safety: Safety = 'safe';
  for (const action of actions) if (safetyRank(action.safety) > safetyRank(safety)) safety = action.safety;
  return safety;
}
