// Tokenizer for a fenced block's info string: `<kind> key=value key="quoted value" key='single quoted'`.

export interface InfoAttribute {
  key: string;
  value: string;
  /** 0-based offsets into the info string. */
  keyOffset: number;
  valueOffset: number;
}

export interface InfoProblem {
  message: string;
  hint?: string;
  /** 0-based offset into the info string. */
  offset: number;
}

export interface InfoString {
  /** The first word (the action kind or a language name); '' when the info string is empty. */
  word: string;
  wordOffset: number;
  attributes: InfoAttribute[];
  problems: InfoProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

function readQuoted(info: string, start: number): { value: string; end: number } | undefined {
  const quote = info[start];
  let value = '';
  let i = start + 1;
  while (i < info.length) {
    const char = info[i] as string;
    if (char === quote) return { value, end: i + 1 };
    // Inside double quotes a backslash escapes the next character, so values can hold `"`.
    if (char === '\\' && quote === '"' && i + 1 < info.length) {
      value += info[i + 1];
      i += 2;
      continue;
    }
    value += char;
    i++;
  }
  return undefined;
}

export function tokenizeInfoString(info: string): InfoString {
  const result: InfoString = { word: '', wordOffset: 0, attributes: [], problems: [] };
  let i = 0;
  while (isSpace(info[i])) i++;
  const wordStart = i;
  while (i < info.length && !isSpace(info[i]) && info[i] !== '=') i++;
  if (info[i] === '=') {
    // The info string starts with key=value: there is no kind word at all.
    i = wordStart;
    result.wordOffset = wordStart;
  } else {
    result.word = info.slice(wordStart, i);
    result.wordOffset = wordStart;
  }
  const seen = new Set<string>();
  while (i < info.length) {
    while (isSpace(info[i])) i++;
    if (i >= info.length) break;
    const keyStart = i;
    while (i < info.length && !isSpace(info[i]) && info[i] !== '=' && info[i] !== '"' && info[i] !== "'") i++;
    const key = info.slice(keyStart, i);
    if (info[i] !== '=') {
      result.problems.push({
        message: `expected key=value, found "${info.slice(keyStart, skipWord(info, keyStart))}"`,
        hint: 'write attributes as key=value; quote values that contain spaces: key="two words"',
        offset: keyStart,
      });
      i = skipWord(info, keyStart);
      continue;
    }
    if (!KEY.test(key)) {
      result.problems.push({
        message: key === '' ? 'attribute value without a key' : `"${key}" is not a valid attribute name`,
        hint: 'attribute names start with a letter or _ and contain letters, digits, _ and -',
        offset: keyStart,
      });
    }
    i++;
    const valueStart = i;
    let value: string;
    let valueOffset = valueStart;
    if (info[i] === '"' || info[i] === "'") {
      const quoted = readQuoted(info, i);
      if (!quoted) {
        result.problems.push({
          message: `unterminated ${info[i] === '"' ? 'double' : 'single'} quote in the value of ${key}`,
          hint: `close the quote: ${key}=${info[i]}...${info[i]}`,
          offset: valueStart,
        });
        return result;
      }
      value = quoted.value;
      valueOffset = valueStart + 1;
      i = quoted.end;
      if (i < info.length && !isSpace(info[i])) {
        result.problems.push({
          message: `unexpected text after the closing quote of ${key}`,
          hint: 'separate attributes with a space',
          offset: i,
        });
        i = skipWord(info, i);
      }
    } else {
      while (i < info.length && !isSpace(info[i])) i++;
      value = info.slice(valueStart, i);
      const quote = value.search(/["']/);
      if (quote >= 0) {
        result.problems.push({
          message: `unexpected quote inside the value of ${key}`,
          hint: `quote the whole value: ${key}="..."`,
          offset: valueStart + quote,
        });
      }
    }
    if (seen.has(key)) {
      result.problems.push({
        message: `attribute ${key} is given twice`,
        hint: 'keep one of them',
        offset: keyStart,
      });
      continue;
    }
    seen.add(key);
    result.attributes.push({ key, value, keyOffset: keyStart, valueOffset });
  }
  return result;
}

function skipWord(info: string, start: number): number {
  let i = start;
  while (i < info.length && !isSpace(info[i])) i++;
  return i;
}
