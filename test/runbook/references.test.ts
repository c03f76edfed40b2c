import { describe, expect, it } from 'vitest';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const FENCE = '```';
const header = '---\ntitle: Refs\nvars:\n  port: 6379\n---\n';

function errors(markdown: string): string[] {
  return parseRunbookWith(`${header}${markdown}`, 'refs.md', fakeKinds).diagnostics.map(
    (d) => `${d.line}:${d.column} ${d.message}`,
  );
}

describe('reference checks', () => {
  it('accepts variables, run info, earlier ids and published paths', () => {
    expect(
      errors(
        `## One\n\n${FENCE}sh id=nodes confirm="port {{ vars.port }} in {{ run.target }}"\necho\n${FENCE}\n\n${FENCE}probe name=app\n${FENCE}\n\n## Two\n\n${FENCE}check\nnodes.droplets.0.ip == 1\nprobe.app.acked > 0\nrun.id != x\n${FENCE}\n`,
      ),
    ).toEqual([]);
  });

  it('counts a variable published by a prompt from that action on', () => {
    expect(
      errors(
        `## Ask\n\n${FENCE}check\nvars.operator == x\n${FENCE}\n\n${FENCE}prompt var=operator\nWho are you?\n${FENCE}\n\n${FENCE}check\nvars.operator != x\n${FENCE}\n`,
      ),
    ).toEqual([
      '9:1 "vars.operator" refers to "vars.operator", which is only produced later, by step "Ask" (line 12)',
    ]);
  });

  it('rejects a reference to the same action, to unknown run fields and below a variable', () => {
    expect(
      errors(`## One\n\n${FENCE}sh id=me env="A=me.exit,B=run.when,C=vars.port.x"\necho\n${FENCE}\n`),
    ).toEqual([
      '8:20 "me.exit" refers to the result of this same action',
      '8:30 "run.when": run has no "when"',
      '8:41 "vars.port.x": variable "port" is text and has nothing under it',
    ]);
  });

  it('names what a published namespace does hold', () => {
    const { diagnostics } = parseRunbookWith(
      `${header}## One\n\n${FENCE}probe name=app\n${FENCE}\n\n${FENCE}check\nprobe.other.acked > 0\n${FENCE}\n`,
      'refs.md',
      fakeKinds,
    );
    expect(diagnostics.map((d) => [d.line, d.message, d.hint])).toEqual([
      [12, '"probe.other.acked": nothing publishes "probe.other"', 'known under probe: probe.app'],
    ]);
  });

  it('checks {{ }} in kinds without references() over body and attributes', () => {
    expect(errors(`## One\n\n${FENCE}failover\nFAIL {{ vars.nope }}\n${FENCE}\n`)).toEqual([
      '9:6 "vars.nope": variable "nope" is not declared',
    ]);
  });
});
