import { Chalk, type ChalkInstance } from 'chalk';

export interface OutputStreams {
  /** `columns`: the terminal's width, when it is one (help and long lines wrap to it). */
  stdout: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

export interface OutputOptions {
  /** Print exactly one JSON document on stdout (results and errors). Default false. */
  json?: boolean;
  /** Colour on or off; undefined means decide from the terminal, `NO_COLOR`, `FORCE_COLOR` and `CI`. */
  color?: boolean;
  /** Show debug lines and stacks of unexpected errors. Default false. */
  verbose?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Spinner {
  update(text: string): void;
  stop(finalLine?: string): void;
}

/** A wait in progress (see `Output.progress`). */
export interface Progress {
  /** Where the wait is: `state` is what changed (a log gets a line when it does), `detail` goes along (attempt 3/31). */
  update(state: string, detail?: string): void;
  stop(finalLine?: string): void;
}

/** A log (CI) is never silent longer than this while something is waited for. */
export const HEARTBEAT_MS = 10_000;

/** `0:07`, `12:30`: the time a wait has taken. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The only way commands write: results to stdout, progress and diagnostics to stderr. In `--json` mode stdout
 * carries exactly one JSON document, written by `result` or by the entry point for an error.
 */
export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly c: ChalkInstance;
  /** True when stderr is an interactive terminal outside CI: spinners and live progress are allowed. */
  readonly live: boolean;
  /** The terminal's width when stdout is one; undefined off a terminal (no wrapping then). */
  readonly columns?: number;
  private resultWritten = false;
  /**
   * The streams' write functions, bound when the Output is made: `authstack dev` captures the in-process
   * function's stdout afterwards, and the CLI's own results must not be caught by that.
   */
  private readonly streams: { stdout: { write(chunk: string): unknown }; stderr: { write(chunk: string): unknown } };

  constructor(streams: OutputStreams, options: OutputOptions = {}) {
    this.streams = { stdout: { write: streams.stdout.write.bind(streams.stdout) }, stderr: { write: streams.stderr.write.bind(streams.stderr) } };
    const env = options.env ?? {};
    this.json = options.json ?? false;
    this.verbose = options.verbose ?? false;
    const ci = Boolean(env.CI && env.CI !== 'false');
    const tty = Boolean(streams.stderr.isTTY);
    const color = options.color ?? colorFromEnv(env, Boolean(streams.stdout.isTTY) || tty);
    this.c = new Chalk({ level: color ? 1 : 0 });
    this.live = tty && !ci;
    this.columns = streams.stdout.isTTY ? streams.stdout.columns : undefined;
  }

  /** Writes the command's result: JSON in `--json` mode, otherwise the human rendering (if any). */
  result(data: unknown, human?: string | ((c: ChalkInstance) => string)): void {
    if (this.json) {
      if (this.resultWritten) throw new Error('Output.result called twice in --json mode');
      this.resultWritten = true;
      this.streams.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return;
    }
    if (human === undefined) return;
    const text = typeof human === 'string' ? human : human(this.c);
    if (text.length > 0) this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** True once a `--json` result has been written (the entry point then writes no second document). */
  get hasResult(): boolean {
    return this.resultWritten;
  }

  /** A progress or status line on stderr. */
  info(message: string): void {
    this.streams.stderr.write(`${message}\n`);
  }

  success(message: string): void {
    this.info(this.c.green('✔ ') + message);
  }

  warn(message: string): void {
    this.info(this.c.yellow('warning: ') + message);
  }

  debug(message: string): void {
    if (this.verbose) this.info(this.c.dim(message));
  }

  /** Raw text on stderr, for printers that manage their own lines. */
  writeErr(text: string): void {
    this.streams.stderr.write(text);
  }

  /** Raw text on stdout, for streaming commands (`logs --follow`). Not allowed in `--json` mode. */
  writeOut(text: string): void {
    this.streams.stdout.write(text);
  }

  /**
   * Says what a slow operation waits for, until the returned function is called: on a live terminal a spinner with
   * the elapsed seconds; elsewhere (CI logs) one line at once and one every 10 s, so a log is never silent longer.
   */
  waiting(label: string): () => void {
    const started = Date.now();
    const elapsed = () => `${Math.round((Date.now() - started) / 1000) + 1} s`;
    if (!this.live) {
      this.info(this.c.dim(`waiting for ${label}…`));
      const timer = setInterval(() => this.info(this.c.dim(`still waiting for ${label} (${elapsed()})`)), 10_000);
      timer.unref();
      return () => clearInterval(timer);
    }
    const spinner = this.spinner(`waiting for ${label}`);
    const timer = setInterval(() => spinner.update(`waiting for ${label} (${elapsed()})`), 1000);
    timer.unref();
    return () => {
      clearInterval(timer);
      spinner.stop();
    };
  }

  /**
   * Says what a wait is for and where it is. On a live terminal: a spinner with the state and the elapsed time,
   * redrawn every second. Elsewhere (CI logs): a line when the state changes, and a "still …" line whenever
   * nothing was printed for `HEARTBEAT_MS`.
   */
  progress(what: string): Progress {
    const started = Date.now();
    let state = '';
    let detail = '';
    const text = () => `${what}${state ? `: ${state}` : ''}${detail ? ` (${detail})` : ''}`;
    if (this.live) {
      const spinner = this.spinner(what);
      const render = () => spinner.update(`${text()} ${this.c.dim(formatElapsed(Date.now() - started))}`);
      const timer = setInterval(render, 1000);
      timer.unref();
      return {
        update: (s, d) => {
          state = s;
          detail = d ?? '';
          render();
        },
        stop: (line) => {
          clearInterval(timer);
          spinner.stop(line);
        },
      };
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Every line re-arms the heartbeat: the next "still …" comes HEARTBEAT_MS after the last line, whatever it was.
    const say = (line: string) => {
      this.info(line);
      clearTimeout(timer);
      timer = setTimeout(() => say(this.c.dim(`still ${text()}, ${formatElapsed(Date.now() - started)}`)), HEARTBEAT_MS);
      timer.unref();
    };
    say(`${what}…`);
    return {
      update: (s, d) => {
        detail = d ?? '';
        if (s === state) return;
        state = s;
        say(text());
      },
      stop: (line) => {
        clearTimeout(timer);
        if (line) this.info(line);
      },
    };
  }

  /** A one-line spinner on a live terminal; plain lines otherwise (CI logs stay readable). */
  spinner(text: string): Spinner {
    if (!this.live) {
      this.info(text);
      return { update: (t) => this.info(t), stop: (line) => line && this.info(line) };
    }
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    let current = text;
    const draw = () => this.streams.stderr.write(`\r\x1b[2K${this.c.cyan(frames[i++ % frames.length])} ${current}`);
    draw();
    const timer = setInterval(draw, 80);
    timer.unref();
    return {
      update: (t) => {
        current = t;
        draw();
      },
      stop: (line) => {
        clearInterval(timer);
        this.streams.stderr.write('\r\x1b[2K');
        if (line) this.info(line);
      },
    };
  }
}

function colorFromEnv(env: NodeJS.ProcessEnv, tty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return tty;
}

/** Renders rows as an aligned table (no borders), for change sets, outputs and checks. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleLength(cell)))).join('  ')).join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
