/**
 * Last-resort cleanup for the registry test infrastructure.
 * Every helper stops its own processes and removes its own temporary folder in `stop()`, but a test
 * that throws before calling `stop()`, or a test process ended by a signal, would otherwise leave a
 * `docker-registry` running and a folder in /tmp behind.
 * So everything started here is also recorded in this module, and the process `exit` handler (plus
 * SIGINT, SIGTERM and SIGHUP, which skip `exit` by default) kills and removes whatever is left.
 * This is deliberately process-wide state: it mirrors what the operating system itself tracks.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const folders = new Set<string>();
let installed = false;

function cleanUpNow(): void {
  for (const child of children) {
    // SIGKILL because an exit handler cannot wait for a graceful shutdown.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `once`, so that re-sending the signal afterwards gets its default action and ends the process.
    process.once(signal, () => {
      cleanUpNow();
      process.kill(process.pid, signal);
    });
  }
}

/** Records a child process so that it is killed if the test process ends first. */
export function trackChild(child: ChildProcess): void {
  installHandlers();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Records a temporary folder so that it is removed if the test process ends first. */
export function trackFolder(folder: string): void {
  installHandlers();
  folders.add(folder);
}

/** Removes a folder now and forgets it. */
export function removeFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  folders.delete(folder);
}
