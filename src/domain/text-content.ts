/**
 * Is this text, or binary read as text? One rule for prompt files (`run task.md`) and workflow files
 * (`orchestrate release.yaml`), so a binary file gets one clear sentence instead of pages of parse errors. Pure.
 */

/** Why `text` (decoded as UTF-8) is not text, or null when it is. */
export function notTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'it contains NUL bytes';
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // U+FFFD: bytes that are not UTF-8; C0 controls other than tab, newlines, form feed and escape.
    if (
      code === 0xfffd ||
      (code < 0x20 && code !== 9 && code !== 10 && code !== 11 && code !== 12 && code !== 13 && code !== 27)
    )
      odd += 1;
  }
  if (odd > 0 && odd * 100 >= text.length) return 'it is mostly bytes that are not UTF-8 text';
  return null;
}
