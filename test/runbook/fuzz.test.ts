// Random Markdown, front matter and info strings never make the parser throw: it always answers with
// a runbook or diagnostics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbookWith } from '../../src/runbook/document.js';
import { fakeKinds } from './fake-kinds.js';

const pieces = [
  '---',
  '...',
  '```',
  '~~~',
  '````',
  '## ',
  '# ',
  '- ',
  '1. ',
  '> ',
  '    ',
  '\t',
  '\n',
  '\r\n',
  '{{',
  '}}',
  '{{ vars.port }}',
  '{{ a.b-c.0 }}',
  '=',
  '"',
  "'",
  '\\',
  'sh',
  'check',
  'prompt',
  'probe',
  'render',
  'failover',
  'id=',
  'timeout=',
  'retries=',
  'within=',
  'safety=',
  'file=',
  'template=',
  'title: ',
  'vars:',
  '  port: ',
  '{ default: ',
  'source: ',
  'env:',
  'generate:',
  '*a',
  '&a ',
  '!!binary ',
  '!!set',
  '<<: ',
  '? ',
  '[',
  ']',
  '{',
  '}',
  '%YAML 1.2',
  '|',
  '>-',
  '<!--',
  '-->',
  '<details>',
  '|',
  'x',
  ' ',
  '\uFEFF',
  'é',
  '💥',
];

const markdownish = fc
  .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })), { maxLength: 80 })
  .map((parts) => parts.join(''));

const infoString = fc
  .tuple(
    fc.constantFrom('sh', 'check', 'prompt', 'probe name=app', 'render', 'failover', 'shh', 'yaml', ''),
    fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 8 }),
  )
  .map(([kind, rest]) => `${kind} ${rest.join(' ')}`);

const runbookish = fc
  .tuple(
    markdownish,
    fc.array(fc.tuple(fc.string({ maxLength: 12 }), infoString, markdownish), { maxLength: 6 }),
  )
  .map(
    ([front, steps]) =>
      `---\ntitle: Fuzz\n${front}\n---\n${steps.map(([title, info, body]) => `## ${title}\n\n\`\`\`${info}\n${body}\n\`\`\`\n`).join('\n')}`,
  );

function parses(source: string): void {
  const result = parseRunbookWith(source, 'fuzz.md', fakeKinds, {
    readTemplateFile: () => 'x: {{ vars.port }}\n',
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.runbook === undefined).toBe(errors.length > 0);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe('parser fuzzing', () => {
  it('never throws on random Markdown', () => {
    fc.assert(fc.property(markdownish, parses), { numRuns: 400 });
  });

  it('never throws on runbook-shaped input with random front matter and info strings', () => {
    fc.assert(fc.property(runbookish, parses), { numRuns: 400 });
  });

  it('never throws on arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), parses), { numRuns: 300 });
  });
});
