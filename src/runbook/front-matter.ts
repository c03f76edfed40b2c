// YAML front matter: title, description, default target and variables, validated with exact line:col.
import { type Document, isMap, isScalar, LineCounter, parseDocument, visit, type YAMLMap } from 'yaml';
import * as z from 'zod';
import type { TargetName, VarSpec } from '../contract/runbook.js';
import type { DiagnosticList, Position } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import { envNameProblem, parseVarSource, VAR_NAME, varEnvName } from './vars.js';

export interface FrontMatterBlock {
  /** The YAML between the fences. */
  text: string;
  /** 1-based line of the first YAML line. */
  startLine: number;
}

export interface RunbookMeta {
  title?: string;
  description?: string;
  target?: TargetName;
  hideAhead?: boolean;
  foldDetails?: boolean;
  vars: VarSpec[];
}

const FENCE = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Finds front matter at the very top of the file. Returns the number of lines it spans (fences included),
 * or unterminated when the opening fence has no closing one.
 */
export function splitFrontMatter(lines: readonly string[]): {
  block?: FrontMatterBlock;
  lineCount: number;
  unterminated?: boolean;
} {
  if (!FENCE.test(lines[0] ?? '')) return { lineCount: 0 };
  for (let i = 1; i < lines.length; i++) {
    if (CLOSING.test(lines[i] as string)) {
      return { block: { text: lines.slice(1, i).join('\n'), startLine: 2 }, lineCount: i + 1 };
    }
  }
  return { lineCount: 0, unterminated: true };
}

const scalarText = z
  .unknown()
  .refine((v) => ['string', 'number', 'boolean'].includes(typeof v), {
    message: 'must be a string, number or boolean',
  })
  .transform((v) => String(v));

const VAR_KEYS = ['default', 'description', 'secret', 'source'] as const;
const varSchema = z.preprocess(
  // A bare value is the default: `port: 6379` means `port: { default: "6379" }`.
  (v) => (v === null ? {} : typeof v === 'object' ? v : { default: v }),
  z.strictObject({
    default: scalarText.optional(),
    description: z.string({ error: 'must be text' }).optional(),
    secret: z.boolean({ error: 'must be true or false' }).optional(),
    source: z.string({ error: 'must be text like env:NAME, prompt or generate' }).optional(),
  }),
);

const FRONT_MATTER_KEYS = ['title', 'description', 'target', 'spoilers', 'details', 'vars'] as const;
const frontMatterSchema = z.strictObject({
  title: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .min(1, { error: 'must not be empty' }),
  description: z.string({ error: 'must be text' }).optional(),
  target: z.enum(['lab', 'digitalocean'], { error: 'must be lab or digitalocean' }).optional(),
  spoilers: z.enum(['show', 'hide'], { error: 'must be show or hide' }).optional(),
  details: z.enum(['show', 'fold'], { error: 'must be show or fold' }).optional(),
  vars: z
    .record(z.string(), varSchema, { error: 'must be a mapping of variable name to settings' })
    .optional(),
});

const FRONT_MATTER_HINTS: Record<string, string> = {
  title: 'add a line such as title: Redis Sentinel failover drill',
  target: 'write target: lab or target: digitalocean (or leave it out: lab is the default)',
  spoilers:
    'write spoilers: hide to keep the text of steps not reached yet out of sight (training), or leave it out',
  details:
    'write details: fold to fold API request listings, prices and long replies away until v shows them (training), or leave it out',
  vars: 'write each variable as name: default, or name: { default, description, secret, source }',
};

type Located = (path: readonly PropertyKey[], key?: string) => Position;

function locator(doc: Document, counter: LineCounter, startLine: number): Located {
  const at = (offset: number): Position => {
    const { line, col } = counter.linePos(offset);
    return { line: startLine + line - 1, column: col };
  };
  // Each map's keys indexed once: a lookup per variable must not scan every variable (20k vars stay linear).
  const keyIndexes = new WeakMap<object, Map<unknown, number>>();
  const keyOffset = (map: YAMLMap, key: string): number | undefined => {
    let index = keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (isScalar(item.key) && item.key.range && !index.has(item.key.value))
          index.set(item.key.value, item.key.range[0]);
      }
      keyIndexes.set(map, index);
    }
    return index.get(key);
  };
  return (path, key) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
      if (depth === path.length && key !== undefined && isMap(node)) {
        const offset = keyOffset(node, key);
        if (offset !== undefined) return at(offset);
      }
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (range) return at(range[0]);
    }
    return { line: startLine - 1, column: 1 };
  };
}

/** Keys written twice in one mapping, found with one set per mapping. */
function duplicateKeys(doc: Document): Array<{ key: string; offset: number; firstOffset: number }> {
  const found: Array<{ key: string; offset: number; firstOffset: number }> = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<unknown, number>();
      for (const item of map.items) {
        if (!isScalar(item.key) || !item.key.range) continue;
        const first = seen.get(item.key.value);
        if (first === undefined) seen.set(item.key.value, item.key.range[0]);
        else found.push({ key: String(item.key.value), offset: item.key.range[0], firstOffset: first });
      }
    },
  });
  return found;
}

function knownKeysFor(path: readonly PropertyKey[]): readonly string[] {
  return path.length === 0 ? FRONT_MATTER_KEYS : VAR_KEYS;
}

function describePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'front matter' : path.map(String).join('.');
}

export function readFrontMatter(block: FrontMatterBlock, diagnostics: DiagnosticList): RunbookMeta {
  const counter = new LineCounter();
  const doc = parseDocument(block.text, {
    lineCounter: counter,
    prettyErrors: false,
    // yaml's own check compares each key with every earlier one (quadratic); duplicateKeys is linear.
    uniqueKeys: false,
    logLevel: 'error',
  });
  const locate = locator(doc, counter, block.startLine);
  const meta: RunbookMeta = { vars: [] };
  const yamlHint =
    'fix the YAML between the --- lines (indent with spaces; quote values that contain ": " or start with {)';
  // YAML often reports one mistake several ways at the same spot; the first says it best.
  const reportedAt = new Set<number>();
  for (const error of doc.errors) {
    if (reportedAt.has(error.pos[0])) continue;
    reportedAt.add(error.pos[0]);
    const { line, col } = counter.linePos(error.pos[0]);
    diagnostics.error(
      { line: block.startLine + line - 1, column: col },
      `front matter: ${firstLine(error.message)}`,
      yamlHint,
    );
  }
  if (doc.errors.length > 0) return meta;
  const duplicates = duplicateKeys(doc);
  for (const duplicate of duplicates) {
    const { line, col } = counter.linePos(duplicate.offset);
    diagnostics.error(
      { line: block.startLine + line - 1, column: col },
      `front matter: key "${duplicate.key}" appears twice in the same mapping (first on line ${block.startLine + counter.linePos(duplicate.firstOffset).line - 1})`,
      'keep one of them',
    );
  }
  if (duplicates.length > 0) return meta;

  let value: unknown;
  try {
    // Throws for an alias without its anchor, or aliases that expand past yaml's limit.
    value = doc.toJS();
  } catch (error) {
    diagnostics.error(
      { line: block.startLine, column: 1 },
      `front matter: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      yamlHint,
    );
    return meta;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.error(
      { line: block.startLine, column: 1 },
      'front matter must be a YAML mapping',
      'start the runbook with ---, title: My runbook, --- on three lines',
    );
    return meta;
  }
  const parsed = frontMatterSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeysFor(issue.path);
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          diagnostics.error(
            locate(issue.path, key),
            `unknown key "${key}" in ${describePath(issue.path)}`,
            `${suggestion ? `${suggestion} ` : ''}known keys: ${known.join(', ')}`,
          );
        }
        continue;
      }
      const hint = FRONT_MATTER_HINTS[String(issue.path[0])] ?? 'see docs/runbook-format.md, "Front matter"';
      diagnostics.error(locate(issue.path), `${describePath(issue.path)} ${issue.message}`, hint);
    }
    return meta;
  }

  const data = parsed.data;
  meta.title = data.title;
  if (data.description !== undefined) meta.description = data.description;
  if (data.target !== undefined) meta.target = data.target;
  if (data.spoilers === 'hide') meta.hideAhead = true;
  if (data.details === 'fold') meta.foldDetails = true;
  meta.vars = readVars(data.vars ?? {}, locate, diagnostics);
  return meta;
}

type VarSettings = { default?: string; description?: string; secret?: boolean; source?: string };

function readVars(
  vars: Record<string, VarSettings>,
  locate: Located,
  diagnostics: DiagnosticList,
): VarSpec[] {
  const specs: VarSpec[] = [];
  const envNames = new Map<string, string>();
  for (const [name, settings] of Object.entries(vars)) {
    const loc = locate(['vars'], name);
    if (!VAR_NAME.test(name)) {
      diagnostics.error(
        loc,
        `"${name}" is not a valid variable name`,
        'variable names start with a letter and contain letters, digits and _ (they become environment variables)',
      );
      continue;
    }
    const envName = varEnvName(name);
    const envProblem = envNameProblem(envName);
    if (envProblem)
      diagnostics.error(loc, `variable "${name}" cannot be used: ${envProblem}`, 'rename the variable');
    const clash = envNames.get(envName);
    if (clash) {
      diagnostics.error(
        loc,
        `variables "${clash}" and "${name}" both become $${envName} in shell blocks`,
        'rename one of them',
      );
    }
    envNames.set(envName, name);

    let source: VarSpec['source'] = { kind: 'default' };
    if (settings.source !== undefined) {
      const read = parseVarSource(settings.source);
      if ('error' in read) {
        diagnostics.error(locate(['vars', name, 'source']), `variable "${name}": ${read.error}`, read.hint);
        continue;
      }
      source = read.source;
    } else if (settings.default === undefined) {
      diagnostics.error(
        loc,
        `variable "${name}" has no default and no source`,
        'give it a default, or source: prompt, env:NAME or generate (a --var on the command line still wins)',
      );
      continue;
    }
    const secret = settings.secret ?? false;
    // An empty default ("none unless given", e.g. an optional Sentinel password) writes no secret down.
    if (secret && settings.default !== undefined && settings.default !== '') {
      diagnostics.warning(
        locate(['vars', name, 'default']),
        `secret variable "${name}" has its value written in the runbook`,
        'use source: env:NAME, prompt or generate so the secret stays out of the file',
      );
    }
    const spec: VarSpec = {
      name,
      secret,
      source,
      loc: { file: diagnostics.file, line: loc.line, column: loc.column },
    };
    if (settings.default !== undefined) spec.default = settings.default;
    if (settings.description !== undefined) spec.description = settings.description;
    specs.push(spec);
  }
  return specs;
}

function firstLine(text: string): string {
  return text.split('\n')[0] as string;
}
