/**
 * An incremental parser for `text/event-stream` (the WHATWG Server-Sent Events format): feed it text as it
 * arrives, get complete messages back. Comment lines (heartbeats) are skipped.
 */

export interface SseMessage {
  /** The `id:` field of this message, or null when it had none. */
  id: string | null;
  /** The `event:` field; `message` when absent. */
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];

  /** Parses what `text` completes; keeps an unfinished line for the next call. */
  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone trailing \r may be the first half of \r\n: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }

  private dispatch(): SseMessage | null {
    const message =
      this.data.length > 0
        ? { id: this.id, event: this.event || 'message', data: this.data.join('\n') }
        : null;
    this.id = null;
    this.event = '';
    this.data = [];
    return message;
  }
}
