import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Runs an ESM snippet in a fresh node process; `MODULE` in it is replaced by the URL of `modulePath`. */
export function spawnModuleScript(script: string, modulePath: string, args: string[] = []): ChildProcess {
  const source = script.replaceAll('MODULE', JSON.stringify(new URL(`file://${modulePath}`).href));
  return spawn(process.execPath, ['--input-type=module', '-e', source, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function waitForExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
