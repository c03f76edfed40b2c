import { describe, expect, it } from 'vitest';
import {
  findReferences,
  formatValue,
  lookupPath,
  renderTemplate,
  TemplateError,
} from '../../src/runbook/template.js';

const results = {
  vars: { port: '6379', redis_password: 's3cret' },
  nodes: { droplets: { 'redis-1': { private_ip: '127.10.0.10', tags: ['a', 'b'] } }, count: 3 },
  list: [{ name: 'first' }, { name: 'second' }],
  flags: { ready: false, none: null },
};

function lookup(path: string): unknown {
  const hit = lookupPath(results, path);
  if (!hit.found) throw new TemplateError(path, hit.missingAt);
  return hit.value;
}

describe('findReferences', () => {
  it('finds paths with and without inner spaces, with offsets', () => {
    const text = 'a {{vars.port}} b {{  nodes.droplets.redis-1.private_ip  }} c {{ list.0.name }}';
    expect(findReferences(text)).toEqual([
      { path: 'vars.port', offset: 2 },
      { path: 'nodes.droplets.redis-1.private_ip', offset: 18 },
      { path: 'list.0.name', offset: 62 },
    ]);
  });

  it('ignores braces that are not a well-formed path', () => {
    expect(findReferences("docker ps --format '{{.Names}}' {{ a..b }} {{ a b }} {{}} {{ ok_1 }}")).toEqual([
      { path: 'ok_1', offset: 58 },
    ]);
  });

  it('returns nothing for text without braces', () => {
    expect(findReferences('plain text')).toEqual([]);
  });
});

describe('lookupPath', () => {
  it('walks objects, arrays by numeric segment, and Maps', () => {
    expect(lookupPath(results, 'nodes.droplets.redis-1.private_ip')).toEqual({
      found: true,
      value: '127.10.0.10',
    });
    expect(lookupPath(results, 'list.1.name')).toEqual({ found: true, value: 'second' });
    expect(lookupPath({ m: new Map([['k', 1]]) }, 'm.k')).toEqual({ found: true, value: 1 });
    expect(lookupPath(results, 'flags.ready')).toEqual({ found: true, value: false });
    expect(lookupPath(results, 'flags.none')).toEqual({ found: true, value: null });
  });

  it('reports the path through the first missing segment', () => {
    expect(lookupPath(results, 'nodes.droplets.redis-9.private_ip')).toEqual({
      found: false,
      missingAt: 'nodes.droplets.redis-9',
    });
    expect(lookupPath(results, 'nope.x')).toEqual({ found: false, missingAt: 'nope' });
    expect(lookupPath(results, 'list.2.name')).toEqual({ found: false, missingAt: 'list.2' });
    expect(lookupPath(results, 'list.first')).toEqual({ found: false, missingAt: 'list.first' });
    expect(lookupPath(results, 'vars.port.length')).toEqual({ found: false, missingAt: 'vars.port.length' });
  });

  it('does not resolve inherited properties', () => {
    expect(lookupPath(results, 'vars.constructor')).toEqual({ found: false, missingAt: 'vars.constructor' });
    expect(lookupPath(results, 'vars.__proto__')).toEqual({ found: false, missingAt: 'vars.__proto__' });
  });
});

describe('renderTemplate', () => {
  it('renders strings as they are and objects/arrays as JSON', () => {
    expect(renderTemplate('redis-cli -p {{ vars.port }}', lookup)).toBe('redis-cli -p 6379');
    expect(renderTemplate('{{nodes.droplets.redis-1.tags}}', lookup)).toBe('["a","b"]');
    expect(renderTemplate('{{ list.0 }}', lookup)).toBe('{"name":"first"}');
    expect(renderTemplate('{{ nodes.count }} {{ flags.ready }} {{ flags.none }}', lookup)).toBe(
      '3 false null',
    );
  });

  it('leaves text that is not a reference untouched', () => {
    expect(renderTemplate("--format '{{.Names}}'", lookup)).toBe("--format '{{.Names}}'");
  });

  it('throws a TemplateError naming the path and the missing segment', () => {
    let caught: unknown;
    try {
      renderTemplate('ip={{ nodes.droplets.redis-9.private_ip }}', lookup);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    const error = caught as TemplateError;
    expect(error.path).toBe('nodes.droplets.redis-9.private_ip');
    expect(error.missingAt).toBe('nodes.droplets.redis-9');
    expect(error.message).toContain('nodes.droplets.redis-9.private_ip');
    expect(error.message).toContain('"nodes.droplets" has no "redis-9"');
  });

  it('treats a lookup returning undefined as missing', () => {
    expect(() => renderTemplate('{{ a }}', () => undefined)).toThrow(TemplateError);
  });
});

describe('formatValue', () => {
  it('serialises bigints inside objects instead of throwing', () => {
    expect(formatValue({ n: 10n })).toBe('{"n":"10"}');
  });
});
