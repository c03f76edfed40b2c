// What an action makes addressable (its id, the paths its kind publishes) and what it reads (its own
// references plus those in the templates it uses), for the check-time reference pass.
import type { AnyActionKind, ReadAction, ReferenceSite } from './action-block.js';
import { messageOf } from './action-block.js';
import type { DiagnosticList } from './diagnostics.js';
import type { TemplateSet } from './templates.js';

export interface ActionPaths {
  produces: string[];
  references: ReferenceSite[];
}

/** Kind hooks are other people's code: a throwing hook becomes a diagnostic, not a crash. */
function callHook(hook: () => string[] | undefined, fail: (message: string) => void): string[] {
  try {
    const value = hook();
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch (error) {
    fail(messageOf(error));
    return [];
  }
}

export function actionPaths(
  read: ReadAction,
  kind: AnyActionKind,
  templates: TemplateSet,
  diagnostics: DiagnosticList,
): ActionPaths {
  const { block } = read;
  const produces = block.id === undefined ? [] : [block.id];
  const references = [...read.references];
  if (block.spec === undefined) return { produces, references };

  const hook = (what: string, call: () => string[] | undefined): string[] =>
    callHook(call, (message) =>
      diagnostics.error(
        block.loc,
        `the ${block.kind} kind failed to list the ${what} of this block: ${message}`,
        `this is a bug in the ${block.kind} action kind, not in the runbook: please report it`,
      ),
    );
  produces.push(...hook('paths it publishes', () => kind.publishes?.(block.spec)));
  // {{ params.NAME }} inside a template is a value the using block supplies, not a result.
  const params = new Set(hook('template params it supplies', () => kind.templateParams?.(block.spec)));
  for (const name of hook('templates it uses', () => kind.templates?.(block.spec))) {
    const attribute = Object.keys(block.attrs).find((key) => block.attrs[key] === name);
    const usedAt = (attribute && read.attributeAt[attribute]) || block.loc;
    for (const site of templates.use(name, usedAt) ?? []) {
      const [namespace, param = ''] = site.path.split('.');
      if (namespace !== 'params') {
        references.push(site);
      } else if (!params.has(param)) {
        diagnostics.error(
          site.at,
          `"${site.path}": the ${block.kind} block on line ${block.loc.line} gives template "${name}" no param "${param}"`,
          params.size > 0
            ? `it gives: ${[...params].join(', ')}; add ${param} to the block's params`
            : `give it in the block, e.g. params: { ${param}: ... }`,
        );
      }
    }
  }
  return { produces, references };
}
