// always=, finding=, each= and where=: the common attributes the engine applies to any block.
import { describe, expect, it } from 'vitest';
import { checkAction } from '../../src/actions/check/index.js';
import { formatDiagnostic } from '../../src/contract/runbook.js';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const FENCE = '```';
const kinds = new Map([...fakeKinds, ['check', checkAction]]);
const header = '---\ntitle: Demo\nvars:\n  port: 6379\n---\n';

function parse(body: string) {
  return parseRunbookWith(`${header}${body}`, 'runbooks/demo.md', kinds, {});
}

function errors(body: string): string[] {
  return parse(body).diagnostics.map(formatDiagnostic);
}

const listStep = `## List\n\n${FENCE}check id=replicas\nvars.port == 6379\n${FENCE}\n\n`;

describe('always=, finding=, each=, where=', () => {
  it('reads the flags and the list a block runs over', () => {
    const { runbook, diagnostics } = parse(
      `${listStep}## Each\n\n${FENCE}check each=replicas.last where="item.flags !contains s_down" finding=true\nitem.ip != {{ vars.port }}\n${FENCE}\n\n${FENCE}sh always=true\necho thaw\n${FENCE}\n`,
    );
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const [check, cleanup] = runbook?.steps[1]?.actions ?? [];
    expect(check?.finding).toBe(true);
    expect(check?.each?.path).toBe('replicas.last');
    expect(check?.each?.where?.text).toBe('item.flags !contains s_down');
    expect(check?.each?.where?.spec).toBeDefined();
    expect(cleanup?.always).toBe(true);
    expect(cleanup?.finding).toBeUndefined();
  });

  it('takes each={{ path }} as well as a bare path, and false as not set', () => {
    const { runbook } = parse(
      `${listStep}## Each\n\n${FENCE}check each="{{ replicas.last }}" always=false\nitem.ip == x\n${FENCE}\n`,
    );
    const action = runbook?.steps[1]?.actions[0];
    expect(action?.each?.path).toBe('replicas.last');
    expect(action?.always).toBeUndefined();
  });

  it('checks the list path like any reference, and item only inside each=', () => {
    expect(errors(`## Each\n\n${FENCE}check each=nothing.here\nitem.ip == x\n${FENCE}\n`)).toEqual([
      'runbooks/demo.md:8:15: "nothing.here": no action has id "nothing"\n  hint: give the action that produces it id=nothing, in an earlier step',
    ]);
    expect(errors(`${listStep}## Plain\n\n${FENCE}check\nitem.ip == x\n${FENCE}\n`)[0]).toMatch(
      /"item.ip": no action has id "item"/,
    );
  });

  it('refuses bad values, where= without each=, a where= that is not a check line, and id=item', () => {
    expect(
      errors(
        `${listStep}## Bad\n\n${FENCE}check always=yes finding=1 each="not a path"\nvars.port == 1\n${FENCE}\n\n${FENCE}check where="item.x == 1"\nvars.port == 1\n${FENCE}\n\n${FENCE}check each=replicas.last where="item.x = 1"\nvars.port == 1\n${FENCE}\n\n${FENCE}check id=item\nvars.port == 1\n${FENCE}\n`,
      ),
    ).toEqual([
      'runbooks/demo.md:14:17: always=yes is not true or false\n  hint: write always=true',
      'runbooks/demo.md:14:29: finding=1 is not true or false\n  hint: write finding=true',
      'runbooks/demo.md:14:37: each=not a path is not a result path\n  hint: name the list of an earlier result, e.g. each=replicas.last (each element is then {{ item }})',
      'runbooks/demo.md:18:17: where= needs each=: it chooses which elements of the list the block runs for\n  hint: add each=PATH (the list), e.g. each=replicas.last where="item.flags !contains s_down"',
      expect.stringMatching(
        /^runbooks\/demo.md:22:36: where="item.x = 1" is not a check line: unknown operator "="/,
      ),
      expect.stringMatching(/^runbooks\/demo.md:26:13: id="item" clashes with the reserved name "item"/),
    ]);
  });
});
