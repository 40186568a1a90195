/**
 * A command line written as text (`CLAUDE_WORKER_SOUND_PLAYER="mpv --no-video"`) split into the program and its
 * arguments the way a POSIX shell splits words — spaces separate, single quotes keep everything, double quotes keep
 * all but `\"` and `\\`, a backslash outside quotes escapes the next character — but nothing else a shell does (no
 * variables, globs, pipes or `;`): the words are run as they are, without a shell. Pure.
 */

export type CommandLine = { ok: true; words: string[] } | { ok: false; problem: string };

export function parseCommandLine(text: string): CommandLine {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i]!;
      else word += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word ??= '';
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') {
      if (i + 1 >= text.length) return { ok: false, problem: 'it ends with a lone backslash' };
      word += text[++i]!;
    } else word += ch;
  }
  if (quote) return { ok: false, problem: `a ${quote === "'" ? 'single' : 'double'} quote is not closed` };
  if (word !== null) words.push(word);
  if (words.length === 0) return { ok: false, problem: 'it names no program' };
  return { ok: true, words };
}
