/**
 * Which model names a task may ask for: Claude Code's aliases, or a full `claude-…` id.
 */

export const MODEL_ALIASES = ['sonnet', 'opus', 'haiku'] as const;

const FULL_MODEL_ID = /^claude-[a-z0-9][a-z0-9.-]*[a-z0-9]$/;

export function isValidModel(model: string): boolean {
  return (MODEL_ALIASES as readonly string[]).includes(model) || FULL_MODEL_ID.test(model);
}

/** The message shown when a model name is not accepted. */
export function invalidModelMessage(model: string): string {
  return (
    `unknown model "${model}". Use one of ${MODEL_ALIASES.join(', ')}, ` +
    `or a full model id such as claude-sonnet-5-5 (lowercase, starting with "claude-").`
  );
}
