/**
 * Reads an orchestration file (JSON or YAML) into a plain value. Syntax errors become a validation error naming the
 * file, the line and column, the offending line with a caret, and a hint. What the value means is checked by
 * validate.ts; this module knows nothing about tasks.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { Document } from 'yaml';
import { ClaudeWorkerError } from '../domain/errors.js';
import { yaml } from '../platform/yaml-library.js';
import { tooDeepAt, tooDeepMessage } from '../domain/nesting.js';
import { notTextReason } from '../domain/text-content.js';
import { describeJsonError, jsonErrorOffset, lineAndColumn } from './json-errors.js';

export type WorkflowFormat = 'json' | 'yaml';

export interface ParseOptions {
  /** Default: from the file extension (`.json`, `.yaml`, `.yml`), else JSON if the text starts with `{` or `[`. */
  format?: WorkflowFormat;
  /** Names the text in messages ("release.yaml is invalid: …"): the file path, or `The request body`. */
  sourceName: string;
}

export interface LoadedWorkflow {
  /** The parsed value, not yet validated: pass it to `validateWorkflow` with `baseDir`. */
  document: unknown;
  /** Absolute folder of the file: relative working directories in it are resolved against this. */
  baseDir: string;
  /** Absolute path of the file. */
  path: string;
  format: WorkflowFormat;
}

export function detectFormat(text: string, sourceName: string): WorkflowFormat {
  const extension = extname(sourceName).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? 'json' : 'yaml';
}

/** Parses JSON or YAML text; throws `ClaudeWorkerError` (validation) with line and column on a syntax error. */
export function parseWorkflowText(text: string, options: ParseOptions): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const what = options.sourceName;
  if (body.trim().length === 0) {
    throw ClaudeWorkerError.validation(
      [{ path: '', message: 'the file is empty; it needs a "tasks" list' }],
      what,
    );
  }
  const notText = notTextReason(body);
  if (notText) {
    throw ClaudeWorkerError.validation(
      [{ path: '', message: `this is not a text file (${notText}); a workflow is a JSON or YAML text file` }],
      what,
    );
  }
  const format = options.format ?? detectFormat(body, options.sourceName);
  const value = format === 'json' ? parseJson(body, what) : parseYaml(body, what);
  const deep = tooDeepAt(value);
  if (deep !== null) throw ClaudeWorkerError.validation([{ path: '', message: tooDeepMessage(deep) }], what);
  return value;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const engineMessage = err instanceof Error ? err.message : String(err);
    const reported = /at position (\d+)/.exec(engineMessage);
    // V8 gives an offset for some mistakes only (not for a trailing comma); the scanner finds the others.
    const found = reported ? Number(reported[1]) : jsonErrorOffset(text);
    const offset = found >= 0 ? found : text.length;
    const { line, column } = lineAndColumn(text, offset);
    const message = `not valid JSON at line ${line}, column ${column}: ${describeJsonError(text, offset, engineMessage)}`;
    throw ClaudeWorkerError.validation([{ path: '', message: message + excerpt(text, line, column) }], what);
  }
}

/**
 * How many alias expansions a YAML file may make (the yaml package counts the nodes each alias brings in). Enough
 * for every task of the largest workflow to reuse a few anchors; an expansion bomb stops long before memory runs out.
 */
export const MAX_YAML_ALIAS_COUNT = 10_000;

function parseYaml(text: string, what: string): unknown {
  const document = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true });
  if (document.errors.length === 0) {
    try {
      return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) as unknown;
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      throw ClaudeWorkerError.validation([aliasProblem(document, text, err)], what);
    }
  }
  const issues = document.errors.map((error) => {
    const position = error.linePos?.[0];
    const words = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    const context = position ? excerpt(text, position.line, position.col) : '';
    return { path: '', message: `not valid YAML${where}: ${lowerFirst(words)}${yamlHint(words)}${context}` };
  });
  throw ClaudeWorkerError.validation(issues, what);
}

/** An alias that cannot be expanded: too many expansions (a "billion laughs" bomb), or an unknown or looping anchor. */
function aliasProblem(
  document: Document,
  text: string,
  err: ReferenceError,
): { path: string; message: string } {
  let first: { line: number; col: number; name: string } | null = null;
  const { visit } = yaml();
  visit(document, {
    Alias(_key, node) {
      const start = node.range?.[0];
      if (start === undefined) return;
      const { line, column } = lineAndColumn(text, start);
      first = { line, col: column, name: node.source };
      return visit.BREAK;
    },
  });
  const at = first as { line: number; col: number; name: string } | null;
  const where = at ? ` (the first alias is *${at.name} at line ${at.line}, column ${at.col})` : '';
  const context = at ? excerpt(text, at.line, at.col) : '';
  const message = /excessive alias count/i.test(err.message)
    ? `its aliases (*name) expand to more than ${MAX_YAML_ALIAS_COUNT} copies${where}, which looks like an alias expansion bomb; write the repeated parts out or use "defaults"`
    : `an alias cannot be resolved${where}: ${lowerFirst(err.message)}`;
  return { path: '', message: `not valid YAML: ${message}${context}` };
}

function yamlHint(words: string): string {
  if (/tabs/i.test(words)) return ' (indent with spaces)';
  if (/must be unique/i.test(words)) return ' (a key appears twice in the same object)';
  return '';
}

/** The line with a caret under the column, indented for a message. Long lines are cut around the column. */
function excerpt(text: string, line: number, column: number): string {
  const content = text.split(/\r?\n/)[line - 1];
  if (content === undefined) return '';
  const start = Math.max(0, column - 60);
  const shown = (start > 0 ? '…' : '') + content.slice(start, start + 100);
  const caretAt = column - 1 - start + (start > 0 ? 1 : 0);
  return `\n      ${shown}\n      ${' '.repeat(Math.max(0, caretAt))}^`;
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/** Reads and parses a workflow file; a missing or unreadable file is a validation error naming the path. */
export async function loadWorkflowFile(path: string): Promise<LoadedWorkflow> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `"${absolute}" does not exist; check the path`
        : code === 'EISDIR'
          ? `"${absolute}" is a directory; pass the workflow file inside it`
          : `"${absolute}" cannot be read (${code ?? String(err)}); check its permissions`;
    throw new ClaudeWorkerError('validation', `Cannot read the workflow file: ${message}.`, {
      data: { issues: [{ path: '', message }] },
      cause: err,
    });
  }
  const format = detectFormat(text, absolute);
  const document = parseWorkflowText(text, { format, sourceName: path });
  return { document, baseDir: dirname(absolute), path: absolute, format };
}
