// Values land in YAML (cloud-init), configuration files and URLs with the escaping of where they land, or
// are refused when no escaping can represent them there: a password with a newline pasted raw into
// cloud-init would add a top-level `bootcmd:` — root code on the droplet.
import { findReferences, formatValue, TemplateError } from './template.js';

export type Landing = 'yaml' | 'lines' | 'url';

/** Line breaks and other control characters (a tab is fine). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/;
/** Text YAML reads as one plain scalar, unchanged, wherever a plain scalar may stand. */
const PLAIN_SAFE = /^[A-Za-z0-9_./@+=%^~$()-][A-Za-z0-9_./@+=%^~$()\-:!? ]*$/;

function refuse(path: string, where: string, why: string, fix: string): never {
  throw new TemplateError(path, path, `{{ ${path} }} ${where}: its value ${why}; ${fix}`);
}

interface YamlSpot {
  quote: 'double' | 'single' | undefined;
  blockScalar: boolean;
  /** The reference is the whole value of a mapping entry or list item (`key: {{ x }}`, `- {{ x }}`). */
  wholeValue: boolean;
}

function yamlSpot(text: string, offset: number, end: number): YamlSpot {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndAt = text.indexOf('\n', end);
  const before = text.slice(lineStart, offset);
  const after = text.slice(end, lineEndAt < 0 ? text.length : lineEndAt);
  let quote: YamlSpot['quote'];
  for (let i = 0; i < before.length; i++) {
    const char = before[i];
    if (quote === 'double' && char === '\\') i++;
    else if (quote === 'double' && char === '"') quote = undefined;
    else if (quote === 'single' && char === "'") {
      // '' is an escaped quote inside a single-quoted scalar; a lone ' closes it.
      if (before[i + 1] === "'") i++;
      else quote = undefined;
    } else if (!quote && char === '"') quote = 'double';
    else if (!quote && char === "'") quote = 'single';
  }
  const indent = before.length - before.trimStart().length;
  let blockScalar = false;
  for (let at = lineStart - 1; at > 0; ) {
    const start = text.lastIndexOf('\n', at - 1) + 1;
    const line = text.slice(start, at);
    at = start - 1;
    if (line.trim() === '') continue;
    if (line.length - line.trimStart().length < indent) {
      blockScalar = /[|>][-+0-9]*\s*(#.*)?$/.test(line);
      break;
    }
  }
  const wholeValue = /^\s*(?:-\s+|[^#'"]*?:\s+|-\s+[^#'"]*?:\s+)$/.test(before) && /^\s*(#.*)?$/.test(after);
  return { quote, blockScalar, wholeValue };
}

function yamlValue(value: string, path: string, where: string, spot: YamlSpot): string {
  // A double-quoted scalar has escapes for everything, line breaks included.
  if (spot.quote === 'double') return JSON.stringify(value).slice(1, -1);
  if (CONTROL.test(value)) {
    refuse(
      path,
      where,
      'has a line break or control character, which would start new YAML lines',
      `put the reference inside double quotes ("{{ ${path} }}") so it is escaped, or remove it from the value`,
    );
  }
  if (spot.quote === 'single') return value.replace(/'/g, "''");
  if (spot.blockScalar || PLAIN_SAFE.test(value)) return value;
  // JSON's string syntax is a YAML double-quoted scalar: the value stays one scalar, whatever it holds.
  if (spot.wholeValue) return JSON.stringify(value);
  return refuse(
    path,
    where,
    'has characters that change the meaning of unquoted YAML here (": ", " #", quotes, brackets, a leading indicator)',
    `quote the whole scalar in the template ("… {{ ${path} }} …") so the value is escaped`,
  );
}

function urlValue(value: string, path: string, where: string, before: string): string {
  // Past the host: after scheme://host/, after a base URL reference and a slash, or in the query or fragment.
  const authorityDone =
    /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?#]/i.test(before) ||
    /^\{\{[^}]*\}\}.*[/?#]/.test(before) ||
    /[?#]/.test(before);
  if (authorityDone) return encodeURIComponent(value);
  if (before === '') {
    // A base URL: used as given, but it must not smuggle anything past it.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    if (/[\s\u0000-\u001f\u007f]/.test(value))
      refuse(path, where, 'has spaces or control characters', 'a URL or host cannot hold them');
    return value;
  }
  if (!/^[A-Za-z0-9.\-:[\]]*$/.test(value)) {
    refuse(path, where, 'is not a host or port', 'put it in the path or query, where it is percent-encoded');
  }
  return value;
}

/**
 * Renders text in which every {{ path }} lands in `landing`: YAML (quoted or escaped by position),
 * line-oriented configuration (no line breaks or control characters), or a URL (percent-encoded after the
 * host). lookup throws TemplateError for a missing path, as in renderTemplate.
 */
export function renderFor(
  landing: Landing,
  text: string,
  lookup: (path: string) => unknown,
  source: string,
): string {
  let out = '';
  let last = 0;
  for (const reference of findReferences(text)) {
    const end = text.indexOf('}}', reference.offset) + 2;
    const found = lookup(reference.path);
    if (found === undefined) throw new TemplateError(reference.path);
    const value = formatValue(found);
    const line = text.slice(0, reference.offset).split('\n').length;
    const where = `in ${source}:${line}`;
    const before = text.slice(last, reference.offset);
    out += before;
    if (landing === 'yaml')
      out += yamlValue(value, reference.path, where, yamlSpot(text, reference.offset, end));
    else if (landing === 'url')
      out += urlValue(value, reference.path, where, text.slice(0, reference.offset));
    else if (CONTROL.test(value)) {
      refuse(
        reference.path,
        where,
        'has a line break or control character',
        'each setting must stay on its own line',
      );
    } else out += value;
    last = end;
  }
  return out + text.slice(last);
}
