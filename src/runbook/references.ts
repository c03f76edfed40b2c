// Check-time validation of {{ path }} references: every path must name a variable, run info, or a result
// that an earlier action produces. Deeper segments of results are only known at run time.

import type { ActionBlock, VarSpec } from '../contract/runbook.js';
import type { ReferenceSite } from './block-references.js';
import type { DiagnosticList } from './diagnostics.js';
import { RUN_FIELDS } from './namespace.js';
import { closest } from './suggest.js';

/** Something that makes a path addressable: a declared variable, an action's id, or a published path. */
interface Producer {
  segments: string[];
  /** Position of the producing action in document order; -1 for variables and run info. */
  order: number;
  stepTitle?: string;
  line?: number;
}

export interface ReferencingAction {
  block: ActionBlock;
  order: number;
  stepTitle: string;
  /** Paths the action makes addressable: its id and whatever the kind publishes. */
  produces: string[];
  references: ReferenceSite[];
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkReferences(
  vars: readonly VarSpec[],
  actions: readonly ReferencingAction[],
  diagnostics: DiagnosticList,
): void {
  const producers: Producer[] = [
    ...vars.map((v) => ({ segments: ['vars', v.name], order: -1 })),
    ...RUN_FIELDS.map((field) => ({ segments: ['run', field], order: -1 })),
  ];
  for (const action of actions) {
    for (const path of action.produces) {
      producers.push({
        segments: path.split('.'),
        order: action.order,
        stepTitle: action.stepTitle,
        line: action.block.loc.line,
      });
    }
  }
  const declaredVars = new Set(vars.map((v) => v.name));
  // Indexed by first segment: a path can only overlap producers that share it, and runbooks have thousands.
  const byHead = new Map<string, Producer[]>();
  for (const producer of producers) {
    const head = producer.segments[0] as string;
    const list = byHead.get(head);
    if (list) list.push(producer);
    else byHead.set(head, [producer]);
  }

  for (const action of actions) {
    for (const site of action.references) {
      const problem = explain(site.path, action.order);
      if (problem) diagnostics.error(site.at, problem.message, problem.hint);
    }
  }

  function explain(path: string, order: number): { message: string; hint?: string } | undefined {
    const segments = path.split('.');
    const [head, second] = segments;
    if (head === 'env') {
      return {
        message: `"${path}": "env" is not addressable`,
        hint: 'shell blocks read variables as $NAME; elsewhere write {{ vars.NAME }}',
      };
    }
    if (head === 'vars' && second !== undefined && declaredVars.has(second) && segments.length > 2) {
      return {
        message: `"${path}": variable "${second}" is text and has nothing under it`,
        hint: `write {{ vars.${second} }}`,
      };
    }
    const candidates = byHead.get(head as string) ?? [];
    for (const p of candidates) if (p.order < order && overlaps(p.segments, segments)) return undefined;
    const matching = candidates.filter((p) => overlaps(p.segments, segments));
    const self = matching.find((p) => p.order === order);
    if (self)
      return {
        message: `"${path}" refers to the result of this same action`,
        hint: 'a block can only use results of earlier actions',
      };
    const later = matching.find((p) => p.order > order);
    if (later) {
      return {
        message: `"${path}" refers to "${later.segments.join('.')}", which is only produced later, by step "${later.stepTitle}" (line ${later.line})`,
        hint: 'move this block after that step, or refer to an earlier result',
      };
    }
    if (head === 'vars') {
      const names = [...declaredVars];
      const suggestion = second === undefined ? undefined : closest(second, names);
      return {
        message:
          second === undefined
            ? '"vars" needs a variable name: vars.NAME'
            : `"${path}": variable "${second}" is not declared`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : names.length > 0
            ? `declared variables: ${names.join(', ')}; or add it under vars: in the front matter`
            : 'declare it under vars: in the front matter',
      };
    }
    if (head === 'run')
      return {
        message: `"${path}": run has no "${second ?? ''}"`,
        hint: `run info is ${RUN_FIELDS.map((f) => `run.${f}`).join(', ')}`,
      };
    const underHead = (byHead.get(head as string) ?? []).filter((p) => p.order >= 0);
    if (underHead.length > 0) {
      return {
        message: `"${path}": nothing publishes "${segments.slice(0, 2).join('.')}"`,
        hint: `known under ${head}: ${[...new Set(underHead.map((p) => p.segments.join('.')))].join(', ')}`,
      };
    }
    const suggestion = closest(head as string, byHead.keys());
    return {
      message: `"${path}": no action has id "${head}"`,
      hint: suggestion
        ? `did you mean "${suggestion}"?`
        : `give the action that produces it id=${head}, in an earlier step`,
    };
  }
}
