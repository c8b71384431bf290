/**
 * Runs the built binary on a pseudo-terminal, as a person at a terminal does:
 * `script` (util-linux) gives it a tty of 100 x 30 (a tty without a size gets
 * no spinner, cli/spinner.ts), and what the test writes to `type` reaches the
 * tty, so "\x03" is Ctrl-C as the terminal's line discipline reads it.
 */
import { spawn } from 'node:child_process';
import { BIN } from './cli.js';

export interface Terminal {
  /** Everything the terminal showed so far (stdout and stderr, as on a screen). */
  screen(): string;
  type(text: string): void;
  /** The exit status; rejects when still running after `ms`. */
  exit(ms: number): Promise<number | null>;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function onTerminal(args: string[], env: NodeJS.ProcessEnv): Terminal {
  const command = `stty cols 100 rows 30; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const { NO_COLOR: _noColor, ...coloured } = env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...coloured, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    screen: () => screen,
    type: (text) => child.stdin.write(text),
    async exit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running after ${ms} ms; the terminal showed: ${screen.slice(-2000)}`));
        }, ms);
      });
      try {
        return await Promise.race([closed, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
