/**
 * One human log line per Claude Code message: `[init] model claude-sonnet-5-5, cwd /x`, `[text] …`,
 * `[tool:Bash] npm test`, `[tool_result] ok: …`, `[result] success, 2 turns, $0.0123, 3.4 s`,
 * `[api_retry] attempt 2, 429 rate_limit`. Null for noise (state changes, keep-alives, unknown kinds).
 * Takes `unknown` on purpose: newer Claude Code versions send kinds and fields the SDK types do not know yet,
 * and a log line must never make a run fail.
 */

import { asFields, num, str, type Fields } from './fields.js';

const TEXT_MAX = 200;
const RESULT_TEXT_MAX = 120;
const TOOL_ARG_MAX = 160;

/** The input field that says most about a tool call, per tool. */
const TOOL_FIELDS: Record<string, readonly string[]> = {
  Bash: ['command'],
  BashOutput: ['bash_id'],
  KillShell: ['shell_id'],
  Read: ['file_path'],
  Write: ['file_path'],
  Edit: ['file_path'],
  MultiEdit: ['file_path'],
  NotebookEdit: ['notebook_path'],
  Grep: ['pattern'],
  Glob: ['pattern'],
  WebFetch: ['url'],
  WebSearch: ['query'],
  Task: ['description', 'prompt'],
  Agent: ['description', 'prompt'],
  Skill: ['skill', 'command'],
  SlashCommand: ['command'],
};

export function summarizeMessage(message: unknown): string | null {
  const m = asFields(message);
  if (!m) return null;
  switch (m['type']) {
    case 'system':
      return summarizeSystem(m);
    case 'assistant':
      return summarizeAssistant(m);
    case 'user':
      return summarizeUser(m);
    case 'result':
      return summarizeResult(m);
    default:
      return null;
  }
}

function summarizeSystem(m: Fields): string | null {
  switch (m['subtype']) {
    case 'init':
      return `[init] model ${str(m['model']) ?? '?'}, cwd ${str(m['cwd']) ?? '?'}`;
    case 'api_retry': {
      const status = num(m['error_status']);
      const error = str(m['error']) ?? 'error';
      return `[api_retry] attempt ${num(m['attempt']) ?? '?'}, ${status !== null ? `${status} ` : ''}${error}`;
    }
    case 'compact_boundary':
      return '[compact] conversation compacted';
    case 'status':
      return str(m['status']) ? `[status] ${str(m['status'])}` : null;
    default:
      return null;
  }
}

function summarizeAssistant(m: Fields): string | null {
  const message = asFields(m['message']);
  const blocks = Array.isArray(message?.['content']) ? message['content'] : [];
  const parts: string[] = [];
  for (const block of blocks) {
    const b = asFields(block);
    if (b?.['type'] === 'text' && str(b['text'])?.trim())
      parts.push(`[text] ${clip(String(b['text']), TEXT_MAX)}`);
    if (b?.['type'] === 'tool_use')
      parts.push(summarizeToolUse(str(b['name']) ?? '?', asFields(b['input']) ?? {}));
  }
  const error = str(m['error']);
  if (error)
    return `[api_error] ${error}${parts.length ? `: ${parts.join(' ').replace(/^\[text\] /, '')}` : ''}`;
  return parts.length ? parts.join(' | ') : null;
}

function summarizeToolUse(name: string, input: Fields): string {
  const fields = TOOL_FIELDS[name] ?? [];
  let arg = fields.map((f) => str(input[f])).find((v) => v !== null && v.trim() !== '') ?? null;
  if (arg === null && name === 'TodoWrite' && Array.isArray(input['todos']))
    arg = `${input['todos'].length} items`;
  // MCP and unknown tools: the first short string argument is usually the telling one.
  arg ??= Object.values(input).find((v): v is string => typeof v === 'string' && v.trim() !== '') ?? null;
  return arg === null ? `[tool:${name}]` : `[tool:${name}] ${clip(arg, TOOL_ARG_MAX)}`;
}

function summarizeUser(m: Fields): string | null {
  const message = asFields(m['message']);
  const content = message?.['content'];
  if (!Array.isArray(content)) return null;
  const parts: string[] = [];
  for (const block of content) {
    const b = asFields(block);
    if (b?.['type'] !== 'tool_result') continue;
    const text = clip(toolResultText(b['content']), RESULT_TEXT_MAX);
    parts.push(`[tool_result] ${b['is_error'] === true ? 'error' : 'ok'}${text ? `: ${text}` : ''}`);
  }
  return parts.length ? parts.join(' | ') : null;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) => asFields(c))
    .map((c) => (c?.['type'] === 'text' ? (str(c['text']) ?? '') : c?.['type'] === 'image' ? '[image]' : ''))
    .join(' ');
}

function summarizeResult(m: Fields): string {
  const subtype = str(m['subtype']) ?? 'unknown';
  const status = num(m['api_error_status']);
  const kind =
    subtype === 'success' && m['is_error'] === true
      ? `error${status !== null ? ` (${status})` : ''}`
      : subtype;
  const turns = num(m['num_turns']);
  const cost = num(m['total_cost_usd']);
  const ms = num(m['duration_ms']);
  const facts = [kind];
  if (turns !== null) facts.push(`${turns} turn${turns === 1 ? '' : 's'}`);
  if (cost !== null) facts.push(`$${cost.toFixed(4)}`);
  if (ms !== null) facts.push(`${(ms / 1000).toFixed(1)} s`);
  const errors = Array.isArray(m['errors'])
    ? m['errors'].filter((e): e is string => typeof e === 'string')
    : [];
  const why =
    kind === 'success' ? '' : clip([str(m['result']) ?? '', ...errors].filter(Boolean).join(' · '), TEXT_MAX);
  return `[result] ${facts.join(', ')}${why ? `: ${why}` : ''}`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
