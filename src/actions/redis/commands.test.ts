// A redis/sentinel block's command lines: split like redis-cli, classified by safety and fault, secrets masked.
import { describe, expect, it } from 'vitest';
import { commandSafety, displayCommand, isFault, maskSecretConfig, SECRET_MASK } from './commands.js';
import { fillArguments, TokenizeError, tokenize } from './tokenize.js';

describe('secrets', () => {
  it('masks secret config values and secret arguments', () => {
    const masked = maskSecretConfig(
      ['CONFIG', 'GET', '*'],
      ['requirepass', 'hunter22', 'masterauth', 'hunter22', 'port', '6379'],
    );
    expect(masked).toEqual(['requirepass', SECRET_MASK, 'masterauth', SECRET_MASK, 'port', '6379']);
    expect(displayCommand(['CONFIG', 'SET', 'masterauth', 'hunter22'])).toBe(
      `CONFIG SET masterauth ${SECRET_MASK}`,
    );
    expect(displayCommand(['SENTINEL', 'SET', 'mymaster', 'auth-pass', 'x y'])).toBe(
      `SENTINEL SET mymaster auth-pass ${SECRET_MASK}`,
    );
    expect(displayCommand(['AUTH', 'user', 'pw'])).toBe(`AUTH ${SECRET_MASK} ${SECRET_MASK}`);
    expect(displayCommand(['SET', 'k', 'two words'])).toBe('SET k "two words"');
  });
});

describe('tokenizer', () => {
  it('splits like redis-cli: quotes, escapes, hex', () => {
    expect(tokenize("SET  key \"a b\\n\\x41\" 'it\\'s'")).toEqual(['SET', 'key', 'a b\nA', "it's"]);
    expect(tokenize('CONFIG SET save ""')).toEqual(['CONFIG', 'SET', 'save', '']);
  });

  it('keeps {{ }} whole and fills it as one argument', () => {
    const args = tokenize('SET {{ vars.key }} {{ vars.value }}');
    expect(args).toEqual(['SET', '{{ vars.key }}', '{{ vars.value }}']);
    const values: Record<string, string> = { 'vars.key': 'k', 'vars.value': 'a value" with\nquotes' };
    const render = (text: string) =>
      text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, path: string) => values[path] ?? '');
    expect(fillArguments(args, render)).toEqual(['SET', 'k', 'a value" with\nquotes']);
  });

  it('reports unbalanced quotes with the column', () => {
    expect(() => tokenize('SET k "open')).toThrow(TokenizeError);
    try {
      tokenize('SET k "a"b');
    } catch (error) {
      expect((error as TokenizeError).column).toBe(10);
    }
  });
});

describe('safety and faults', () => {
  it('classifies reads, writes and destructive commands', () => {
    expect(commandSafety(['info', 'replication'])).toBe('safe');
    expect(commandSafety(['CONFIG', 'GET', 'maxmemory'])).toBe('safe');
    expect(commandSafety(['SENTINEL', 'CONFIG', 'GET', '*'])).toBe('safe');
    expect(commandSafety(['CONFIG', 'SET', 'maxmemory', '1mb'])).toBe('mutating');
    expect(commandSafety(['REPLICAOF', '127.0.0.1', '6379'])).toBe('mutating');
    expect(commandSafety(['SENTINEL', 'FAILOVER', 'mymaster'])).toBe('destructive');
    expect(commandSafety(['SHUTDOWN', 'NOSAVE'])).toBe('destructive');
    expect(isFault(['DEBUG', 'SLEEP', '5'])).toBe(true);
    expect(isFault(['client', 'pause', '1000'])).toBe(true);
    expect(isFault(['SENTINEL', 'FAILOVER', 'mymaster'])).toBe(true);
    expect(isFault(['SET', 'k', 'v'])).toBe(false);
  });
});
