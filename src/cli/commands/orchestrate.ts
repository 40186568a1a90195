/**
 * `claude-worker orchestrate <file>`: reads an orchestration file (JSON or YAML; `-` reads stdin), makes its
 * relative working directories absolute against the file's folder (stdin: the current folder), and sends it to the
 * server, which validates it (every problem at once) and creates it in one transaction. `--dry-run` asks the server
 * to validate only and prints the plan; `--watch` follows it like `orchestration-status --watch`.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { ClaudeWorkerError, isClaudeWorkerError } from '../../domain/errors.js';
import { loadWorkflowFile, parseWorkflowText } from '../../workflow/parse.js';
import { connect } from '../connect.js';
import type { CliContext, CliRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { submittedLine } from '../orchestration-view.js';
import { followOrchestration } from '../orchestration-watch.js';

interface OrchestrateOptions {
  dryRun?: boolean;
  watch?: boolean;
  json?: boolean;
}

interface WorkflowInput {
  document: unknown;
  /** How messages name it: the path as given, or "The workflow on stdin". */
  shownAs: string;
  /** The argument as given, for the hint after a dry run. */
  arg: string;
}

export function registerOrchestrate(program: Command, run: CliRun): void {
  program
    .command('orchestrate')
    .description('Submit an orchestration file: tasks with dependencies, run in parallel where they can')
    .argument('<file>', 'the workflow, JSON or YAML (`-` reads it from stdin)')
    .option(
      '--dry-run',
      'validate and print the plan (levels, what runs in parallel, delays); create nothing',
    )
    .option('-w, --watch', 'follow it as a live tree until it ends; exit 0 if it completed, 1 otherwise')
    .option('--json', 'print the orchestration (--dry-run: the plan; --watch: once it has ended) as JSON')
    .addHelpText(
      'after',
      `
Relative working directories are resolved against the file's folder (for stdin: the current folder).
The file format is described in examples/README.md.

Examples:
  claude-worker orchestrate release.yaml --dry-run
  claude-worker orchestrate release.yaml --watch
  generate-workflow | claude-worker orchestrate - --json

Exit codes: 0 submitted (--dry-run: valid; --watch: completed), 1 with --watch: failed or cancelled,
2 invalid file (every problem is printed; nothing is created), 3 server unreachable.`,
    )
    .action(async (file: string, options: OrchestrateOptions, command: Command) => {
      const context = run.context(command);
      run.exitCode = await orchestrate(context, file, options);
    });
}

async function orchestrate(context: CliContext, file: string, options: OrchestrateOptions): Promise<number> {
  const input = await readWorkflow(file, context.io.cwd);
  const client = await connect(context);
  if (options.dryRun) {
    const validation = await namingTheFile(input, () => client.validateOrchestration(input.document));
    if (options.json) {
      context.json(validation);
    } else {
      context.print(validation.text);
      context.print('');
      context.print(`Valid; nothing was created. Submit it: claude-worker orchestrate ${input.arg}`);
    }
    return EXIT.ok;
  }
  const detail = await namingTheFile(input, () => client.createOrchestration(input.document));
  if (!options.watch) {
    if (options.json) context.json(detail);
    else
      context.print(
        `${submittedLine(detail)} Watch it: claude-worker orchestration-status ${detail.id} --watch`,
      );
    return EXIT.ok;
  }
  if (!options.json) context.print(submittedLine(detail));
  return followOrchestration(context, client, detail.id, {
    json: options.json === true,
    reconnect: () => connect(context),
  });
}

async function readWorkflow(file: string, cwd: string): Promise<WorkflowInput> {
  if (file === '-') {
    const text = await readStdin();
    const document = parseWorkflowText(text, { sourceName: 'The workflow on stdin' });
    return { document: withAbsoluteDirectories(document, cwd), shownAs: 'The workflow on stdin', arg: '-' };
  }
  const loaded = await loadWorkflowFile(resolve(cwd, file));
  return { document: withAbsoluteDirectories(loaded.document, loaded.baseDir), shownAs: file, arg: file };
}

/** The server names the input "The orchestration"; the person knows it by its file name. */
async function namingTheFile<T>(input: WorkflowInput, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isClaudeWorkerError(err) && err.code === 'validation' && err.issues.length > 0) {
      throw ClaudeWorkerError.validation(err.issues, input.shownAs);
    }
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server accepts absolute directories only (it cannot know where a file was); a file's relative ones mean
 * "relative to the file". Anything else (absolute, `~`, not text) goes as written, for the server to judge.
 */
export function withAbsoluteDirectories(document: unknown, baseDir: string): unknown {
  if (!isRecord(document)) return document;
  const fix = (entry: unknown): unknown => {
    if (!isRecord(entry)) return entry;
    const dir = entry['working_directory'];
    if (typeof dir !== 'string' || dir === '' || dir.startsWith('~') || isAbsolute(dir)) return entry;
    return { ...entry, working_directory: resolve(baseDir, dir) };
  };
  const fixed: Record<string, unknown> = { ...document };
  if (document['defaults'] !== undefined) fixed['defaults'] = fix(document['defaults']);
  if (Array.isArray(document['tasks'])) fixed['tasks'] = document['tasks'].map(fix);
  return fixed;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new ClaudeWorkerError(
      'validation',
      '"-" reads the workflow from stdin, but stdin is a terminal. Pipe it in (cat release.yaml | claude-worker orchestrate -) or pass the file.',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
