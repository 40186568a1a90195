/**
 * What every command works with: the process's surroundings (cwd, environment, output streams), the global flags,
 * the effective configuration (loaded once, on first use) and a connection to the server. Commands get one of
 * these from the program and never read process globals themselves.
 */
import { outputWidth, stripControl } from './format.js';
import type { Command } from 'commander';
import { homePaths, type HomePaths } from '../config/paths.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { ConfigKey } from '../config/schema.js';

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Flags every command accepts (declared on the program). */
export interface GlobalOptions {
  home?: string;
  url?: string;
  port?: string;
}

export class CliContext {
  private loadedConfig: LoadedConfig | null = null;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
    /** Settings a command's own flags set (`server run --concurrency 2`). */
    private readonly commandFlags: Partial<Record<ConfigKey, unknown>> = {},
  ) {}

  /** The effective configuration; throws a `config` error (exit 2) when it is invalid. */
  get loaded(): LoadedConfig {
    this.loadedConfig ??= loadConfig({
      cwd: this.io.cwd,
      env: this.io.env,
      flags: {
        home: this.globals.home,
        url: this.globals.url,
        port: this.globals.port,
        ...this.commandFlags,
      },
    });
    return this.loadedConfig;
  }

  get paths(): HomePaths {
    return homePaths(this.loaded.config.home);
  }

  /** How wide output may be: the terminal's width, else COLUMNS, else 160. */
  get width(): number {
    return outputWidth(this.io.stdout, this.io.env);
  }

  /** A line on stdout. */
  print(line = ''): void {
    this.io.stdout.write(`${stripControl(line)}\n`);
  }

  /** A note for the person on stderr (keeps stdout clean for --json and pipes). */
  note(line: string): void {
    this.io.stderr.write(`${stripControl(line)}\n`);
  }

  /** Exactly the object, as JSON, on stdout. */
  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

/** Holds the exit code a command decided on (a failed task is not an exception). */
export interface CliRun {
  io: CliIo;
  exitCode: number;
  context(command: Command, commandFlags?: Partial<Record<ConfigKey, unknown>>): CliContext;
}

export function createRun(io: CliIo): CliRun {
  return {
    io,
    exitCode: 0,
    context(command, commandFlags) {
      return new CliContext(io, command.optsWithGlobals<GlobalOptions>(), commandFlags);
    },
  };
}
