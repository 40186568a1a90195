/**
 * Plain-words JSON syntax errors. `JSON.parse` in Node 20 gives a character offset for some mistakes and none for
 * others (a trailing comma is "Unexpected token ']'"), so a small iterative scanner finds where the text stops
 * being JSON; this module turns that into a line, a column and a hint a person can act on. Pure.
 */

type State = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end' | 'done';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

/** Offset of the first syntax error in `text` (its length when the text ends too early), or -1 if it is valid. */
export function jsonErrorOffset(text: string): number {
  const containers: string[] = [];
  let state: State = 'value';
  let i = 0;
  const afterValue = (): State => (containers.length > 0 ? 'comma-or-end' : 'done');
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
    if (i >= text.length) return state === 'done' ? -1 : text.length;
    const c = text[i] as string;
    const top = containers[containers.length - 1];
    if (state === 'done') return i;
    if (state === 'colon') {
      if (c !== ':') return i;
      state = 'value';
      i++;
    } else if (state === 'comma-or-end') {
      if (c === ',') state = top === '{' ? 'key' : 'value';
      else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        containers.pop();
        state = afterValue();
      } else return i;
      i++;
    } else if (state === 'key' || state === 'key-or-end') {
      if (state === 'key-or-end' && c === '}') {
        containers.pop();
        state = afterValue();
        i++;
      } else if (c === '"') {
        const end = stringEnd(text, i);
        if (end.error) return end.at;
        i = end.at;
        state = 'colon';
      } else return i;
    } else if (state === 'value-or-end' && c === ']') {
      containers.pop();
      state = afterValue();
      i++;
    } else if (c === '{' || c === '[') {
      containers.push(c);
      state = c === '{' ? 'key-or-end' : 'value-or-end';
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end.error) return end.at;
      i = end.at;
      state = afterValue();
    } else {
      NUMBER.lastIndex = i;
      const literal = LITERALS.find((word) => text.startsWith(word, i));
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return i;
      state = afterValue();
    }
  }
}

/** The offset just after the string starting at `start`, or where it goes wrong. */
function stringEnd(text: string, start: number): { error: boolean; at: number } {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '"') return { error: false, at: j + 1 };
    if (c === '\\') {
      const next = text[j + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { error: true, at: j };
        j += 5;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) j += 1;
      else return { error: true, at: j };
    } else if (c.charCodeAt(0) < 0x20) return { error: true, at: j };
  }
  return { error: true, at: text.length };
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** What went wrong at `offset`, in plain words, with a hint for the usual mistakes. */
export function describeJsonError(text: string, offset: number, engineMessage: string): string {
  if (offset >= text.length) {
    return 'the text ends too early: a closing "}", "]" or quote is missing';
  }
  const c = text[offset] as string;
  const before = text.slice(0, offset).trimEnd();
  const previous = before[before.length - 1];
  if ((c === ']' || c === '}') && previous === ',')
    return `unexpected "${c}": remove the trailing comma before it (JSON allows none)`;
  if (c === "'") return 'unexpected "\'": JSON strings and property names use double quotes';
  if (c === '/' || c === '#')
    return `unexpected "${c}": JSON has no comments; remove it, or write the file as YAML (.yaml)`;
  if (/[A-Za-z_$]/.test(c) && (previous === '{' || previous === ',')) {
    return `unexpected "${c}": property names need double quotes, for example "identifier"`;
  }
  const known = engineMessage
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  const words = known.startsWith('Unexpected token') ? `unexpected "${c}"` : lowerFirst(known);
  if (
    /^Expected ',' or/.test(known) &&
    (previous === '"' || previous === '}' || previous === ']' || /\d/.test(previous ?? ''))
  ) {
    return `${words}: a comma is probably missing before it`;
  }
  if (known.startsWith('Unexpected non-whitespace character after JSON')) {
    return 'more text follows the end of the JSON value: remove it, or check for an extra "}" or "]"';
  }
  return words;
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}
