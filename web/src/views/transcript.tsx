/**
 * A task's transcript (the JSONL stream Claude Code wrote): assistant text as Markdown, each tool call a collapsible
 * block with its input and, paired by id, its output. Lines that are not JSON are shown as they are.
 */
import Markdown from 'react-markdown';

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}
type Entry =
  | { kind: 'text'; role: string; text: string }
  | { kind: 'tool'; name: string; input: unknown; output: string | null; error: boolean; id: string }
  | { kind: 'result'; text: string }
  | { kind: 'raw'; text: string };

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part && 'text' in part ? String((part as Block).text) : JSON.stringify(part)))
      .join('\n');
  }
  return content === undefined ? '' : JSON.stringify(content, null, 2);
}

export function parseTranscript(jsonl: string): Entry[] {
  const entries: Entry[] = [];
  const tools = new Map<string, Extract<Entry, { kind: 'tool' }>>();
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    let record: { type?: string; message?: { content?: unknown; role?: string }; result?: string; subtype?: string };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      entries.push({ kind: 'raw', text: line });
      continue;
    }
    if (record.type === 'result') {
      entries.push({ kind: 'result', text: record.result ?? record.subtype ?? 'finished' });
      continue;
    }
    const content = record.message?.content;
    if (record.type !== 'assistant' && record.type !== 'user') continue;
    if (typeof content === 'string') {
      entries.push({ kind: 'text', role: record.type, text: content });
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const block of content as Block[]) {
      if (block.type === 'text' && block.text) entries.push({ kind: 'text', role: record.type, text: block.text });
      else if (block.type === 'tool_use') {
        const entry = { kind: 'tool' as const, name: block.name ?? 'tool', input: block.input, output: null, error: false, id: block.id ?? '' };
        tools.set(entry.id, entry);
        entries.push(entry);
      } else if (block.type === 'tool_result') {
        const call = tools.get(block.tool_use_id ?? '');
        if (call) {
          call.output = contentText(block.content);
          call.error = block.is_error === true;
        } else entries.push({ kind: 'raw', text: contentText(block.content) });
      }
    }
  }
  return entries;
}

export function Transcript(props: { jsonl: string }) {
  const entries = parseTranscript(props.jsonl);
  if (entries.length === 0) return <p className="empty">No transcript yet.</p>;
  return (
    <ol className="transcript" aria-label="Transcript">
      {entries.map((entry, i) => {
        if (entry.kind === 'tool') {
          return (
            <li key={i} className={`tool${entry.error ? ' tool-error' : ''}`}>
              <details>
                <summary>
                  Tool call: <strong>{entry.name}</strong>
                  {entry.error ? ' (error)' : ''}
                </summary>
                <h4>Input</h4>
                <pre>{JSON.stringify(entry.input, null, 2)}</pre>
                <h4>Output</h4>
                <pre>{entry.output ?? '(no output yet)'}</pre>
              </details>
            </li>
          );
        }
        if (entry.kind === 'text') {
          return (
            <li key={i} className={`text role-${entry.role}`}>
              <span className="who">{entry.role === 'assistant' ? 'Claude' : 'Prompt'}</span>
              <div className="markdown">
                <Markdown>{entry.text}</Markdown>
              </div>
            </li>
          );
        }
        if (entry.kind === 'result') {
          return (
            <li key={i} className="result-line">
              <span className="who">Result</span>
              <div className="markdown">
                <Markdown>{entry.text}</Markdown>
              </div>
            </li>
          );
        }
        return (
          <li key={i} className="raw">
            <pre>{entry.text}</pre>
          </li>
        );
      })}
    </ol>
  );
}
