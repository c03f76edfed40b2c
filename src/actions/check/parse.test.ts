import { describe, expect, it } from 'vitest';
import { parseBlock, parsedAction } from '../test-context.js';
import { checkAction } from './index.js';

function problems(body: string) {
  return parseBlock(checkAction, { body }).problems;
}

describe('check parse', () => {
  it('reads every operator and kind of expected value', () => {
    const { spec } = parsedAction(checkAction, {
      body: [
        '# replication',
        'replication.role == master',
        'info.connected_slaves>=2',
        'info.lag != -1.5e2',
        'info.ok == true',
        'info.gone == null',
        'info.name == "two words"',
        "info.quoted == 'it\\'s'",
        'info.port < {{ vars.port }}',
        'info.port <= "6380"',
        'info.port > 0',
        'info.status matches /^up|down$/i',
        'info.role in [master, "slave node", 3, {{ vars.role }}]',
        'info.list contains x',
        '{{ info.name }} == y',
        '',
      ].join('\n'),
    });
    const lines = spec.lines;
    expect(lines.map((l) => l.operator)).toEqual([
      '==',
      '>=',
      '!=',
      '==',
      '==',
      '==',
      '==',
      '<',
      '<=',
      '>',
      'matches',
      'in',
      'contains',
      '==',
    ]);
    expect(lines[0]).toMatchObject({
      line: 2,
      path: 'replication.role',
      text: 'replication.role == master',
      expected: { kind: 'value', operand: { type: 'word', value: 'master' } },
    });
    expect(lines[1]?.expected).toEqual({ kind: 'value', operand: { type: 'number', value: 2, text: '2' } });
    expect(lines[2]?.expected).toMatchObject({ operand: { type: 'number', value: -150 } });
    expect(lines[3]?.expected).toMatchObject({ operand: { type: 'boolean', value: true } });
    expect(lines[4]?.expected).toMatchObject({ operand: { type: 'null' } });
    expect(lines[5]?.expected).toMatchObject({ operand: { type: 'string', value: 'two words' } });
    expect(lines[6]?.expected).toMatchObject({ operand: { type: 'string', value: "it's" } });
    expect(lines[7]?.expected).toMatchObject({ operand: { type: 'reference', path: 'vars.port' } });
    expect(lines[10]?.expected).toEqual({ kind: 'regex', source: '^up|down$', flags: 'i' });
    expect(lines[11]?.expected).toMatchObject({
      kind: 'list',
      items: [
        { type: 'word', value: 'master' },
        { type: 'string', value: 'slave node' },
        { type: 'number', value: 3 },
        { type: 'reference', path: 'vars.role' },
      ],
    });
    expect(lines[11]?.expectedText).toBe('[master, "slave node", 3, {{ vars.role }}]');
    expect(lines[13]?.path).toBe('info.name');
    expect(checkAction.references?.(spec)).toEqual([
      'replication.role',
      'info.connected_slaves',
      'info.lag',
      'info.ok',
      'info.gone',
      'info.name',
      'info.quoted',
      'info.port',
      'vars.port',
      'info.port',
      'info.port',
      'info.status',
      'info.role',
      'vars.role',
      'info.list',
      'info.name',
    ]);
    expect(checkAction.defaultSafety(spec)).toBe('safe');
  });

  it('reads escapes in quoted strings and slashes inside regex classes', () => {
    const { spec } = parsedAction(checkAction, {
      body: 'a.b == "say \\"hi\\"\\n"\na.c matches /[/]x\\/y/\n',
    });
    expect(spec.lines[0]?.expected).toMatchObject({ operand: { value: 'say "hi"\n' } });
    expect(spec.lines[1]?.expected).toEqual({ kind: 'regex', source: '[/]x\\/y', flags: '' });
  });

  it('reports bad operators with line and column', () => {
    expect(problems('a.b == 1\n  a.c = master')).toEqual([
      { line: 2, column: 7, message: 'unknown operator "="', hint: 'use == to compare for equality' },
    ]);
    const [unknown] = problems('a.b equals x');
    expect(unknown).toMatchObject({ line: 1, column: 5, message: 'unknown operator "equals"' });
    expect(unknown?.hint).toContain('matches /re/flags');
    expect(problems('a.b')[0]).toMatchObject({
      line: 1,
      column: 4,
      message: 'expected an operator after a.b',
    });
  });

  it('reports unterminated strings, regexes, lists and references where they start', () => {
    expect(problems('a.b == "open')[0]).toMatchObject({
      line: 1,
      column: 8,
      message: 'unterminated string: no closing "',
    });
    expect(problems('\na.b matches /abc')[0]).toMatchObject({
      line: 2,
      column: 13,
      message: 'unterminated regex: no closing /',
    });
    expect(problems('a.b in [1, 2')[0]).toMatchObject({
      column: 8,
      message: 'unterminated list: no closing ]',
    });
    expect(problems('a.b in [1 2]')[0]).toMatchObject({
      column: 11,
      message: 'expected , or ] in the list, found "2]"',
    });
    expect(problems('a.b == {{ vars.x')[0]).toMatchObject({
      column: 8,
      message: 'unterminated {{: no closing }}',
    });
  });

  it('reports invalid regexes with the engine message', () => {
    const [problem] = problems('a.b matches /(unclosed/');
    expect(problem).toMatchObject({ line: 1, column: 13 });
    expect(problem?.message).toBe('invalid regex /(unclosed/: Unterminated group');
    expect(problems('a.b matches /x/q')[0]?.message).toContain('invalid regex /x/q');
    expect(problems('a.b matches x')[0]).toMatchObject({
      column: 13,
      message: 'expected /regex/ after matches, found "x"',
    });
  });

  it('reports trailing text, bad paths, missing values and ordering against text', () => {
    expect(problems('a.b == hello world')[0]).toMatchObject({
      column: 14,
      message: 'unexpected "world" after hello',
      hint: 'one comparison per line; quote values that contain spaces: "two words"',
    });
    expect(problems('a..b == 1')[0]).toMatchObject({ column: 1, message: '"a..b" is not a result path' });
    expect(problems('== 1')[0]).toMatchObject({ column: 1, message: 'expected a result path, found "=="' });
    expect(problems('a.b ==')[0]).toMatchObject({ column: 7, message: 'expected a value' });
    expect(problems('a.b < fast')[0]).toMatchObject({
      column: 7,
      message: '< compares numbers, but fast is not a number',
    });
    expect(problems('a.b in x')[0]).toMatchObject({ column: 8, message: 'expected [ after in, found "x"' });
  });

  it('reports every bad line at once, and an empty block', () => {
    expect(problems('a.b = 1\nok.line == 1\nc.d matches /(/').map((p) => p.line)).toEqual([1, 3]);
    expect(problems('# only a comment\n\n')).toEqual([
      {
        line: 1,
        message: 'check block has no comparisons',
        hint: 'write one PATH OP EXPECTED per line, e.g. replication.role == master',
      },
    ]);
  });

  it('takes no attributes of its own', () => {
    expect(
      parseBlock(checkAction, { attrs: { node: 'x' }, body: 'a.b == 1' }).problems[0]?.message,
    ).toContain('node');
  });

  it('reads length(), selectors, negated operators and list literals, and lists every result they read', () => {
    const { spec } = parsedAction(checkAction, {
      body: [
        'length(views.sentinels) == 3',
        'views.replicas[ip={{ vars.ip }}].flags !contains s_down',
        'views.log !matches /ERROR/i',
        'views.none == []',
        'views.pair != [a, {{ vars.b }}]',
        'views.master == "{{ node.ip }}:{{ node.port }}"',
      ].join('\n'),
    });
    expect(spec.lines.map((l) => [l.path, l.subject, l.operator])).toEqual([
      ['views.sentinels', 'length(views.sentinels)', '=='],
      ['views.replicas', 'views.replicas[ip={{ vars.ip }}].flags', '!contains'],
      ['views.log', 'views.log', '!matches'],
      ['views.none', 'views.none', '=='],
      ['views.pair', 'views.pair', '!='],
      ['views.master', 'views.master', '=='],
    ]);
    expect(checkAction.references?.(spec).sort()).toEqual(
      [
        'node.ip',
        'node.port',
        'vars.b',
        'vars.ip',
        'views.log',
        'views.master',
        'views.none',
        'views.pair',
        'views.replicas',
        'views.sentinels',
      ].sort(),
    );
    expect(problems('length(a.b == 1')[0]?.message).toBe('expected ) to close length(');
    expect(problems('a.b[ip] == 1')[0]?.message).toBe('expected [field=value]');
  });
});
