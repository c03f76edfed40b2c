// Fills {{ references }} in a spec at run time, and renders cloud-init user_data from a named template.
import type { ActionContext } from '../../contract/action.js';
import { renderFor } from '../../runbook/contextual-render.js';
import { TemplateError } from '../../runbook/template.js';
import { templateFileReader } from '../../runbook/template-files.js';
import { isTemplateName, TEMPLATE_NAME_HINT } from '../../runbook/templates.js';

/** Every string in the value rendered with ctx.render; numbers and booleans unchanged. */
export function renderDeep<T>(value: T, render: (text: string) => string): T {
  if (typeof value === 'string') return render(value) as T;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, render)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, render);
    return out as T;
  }
  return value;
}

/**
 * The variable a field was written as (`"{{ vars.region }}"` → region): an error can then name the --var that
 * changes it, and a choice can redirect later steps.
 */
export function variableOf(raw: unknown): string | undefined {
  return typeof raw === 'string' ? /^\s*\{\{\s*vars\.([A-Za-z0-9_-]+)\s*\}\}\s*$/.exec(raw)?.[1] : undefined;
}

/** The template's text: from runbook.templates (the parser loads them), else the file beside the runbook. */
export function templateContent(ctx: Pick<ActionContext, 'runbook'>, name: string): string {
  const loaded = ctx.runbook.templates[name];
  if (loaded) return loaded.content;
  if (!isTemplateName(name))
    throw new Error(`"${name}" is not a usable template name; ${TEMPLATE_NAME_HINT}`);
  const content = templateFileReader(ctx.runbook.baseDir)(name);
  if (content === undefined) {
    throw new Error(
      `template "${name}" not found beside the runbook (${ctx.runbook.baseDir}); add a code block with file=${name} or the file beside the runbook`,
    );
  }
  return content;
}

/**
 * Renders the cloud-init template. The op's `params` are {{ params.NAME }}; its `vars` shadow the runbook
 * variables of the same name inside this template only (both already rendered, see renderDeep). Everything
 * else resolves as anywhere in the runbook.
 */
export function renderUserData(
  ctx: Pick<ActionContext, 'runbook' | 'render'>,
  userData: {
    template: string;
    params?: Record<string, string | number | boolean>;
    vars?: Record<string, string | number | boolean>;
  },
): string {
  const params = new Map(Object.entries(userData.params ?? {}).map(([name, value]) => [name, String(value)]));
  const shadows = new Map(Object.entries(userData.vars ?? {}).map(([name, value]) => [name, String(value)]));
  const content = templateContent(ctx, userData.template);
  // cloud-init's #cloud-config is YAML; any other user data (a script) is taken line by line.
  const landing =
    content.startsWith('#cloud-config') || /\.ya?ml$/.test(userData.template) ? 'yaml' : 'lines';
  return renderFor(
    landing,
    content,
    (path) => {
      const [head, name, ...rest] = path.split('.');
      if (head === 'params') {
        const value = name !== undefined && rest.length === 0 ? params.get(name) : undefined;
        if (value === undefined) {
          const known = [...params.keys()].map((key) => `params.${key}`).join(', ') || 'none';
          throw new TemplateError(
            path,
            path,
            `{{ ${path} }} in template ${userData.template}: the block gives no such param (it gives ${known}); add it under user_data.params`,
          );
        }
        return value;
      }
      if (head === 'vars' && name !== undefined && rest.length === 0 && shadows.has(name))
        return shadows.get(name);
      // Through render, so a dry run shows a not-yet-produced result as its {{ reference }}.
      return ctx.render(`{{ ${path} }}`);
    },
    `template ${userData.template}`,
  );
}
