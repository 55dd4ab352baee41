/**
 * Stand-in programs for the helpers and plugins the code runs (docker credential helpers,
 * kubeconfig exec plugins): small shell scripts written into a test's folder, each recording the
 * pids it starts in a file, so a test can check in /proc that nothing it started still runs, and
 * kill what is left when the code under test failed to.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes an executable `#!/bin/sh` script; returns its path. */
export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The pids a stand-in wrote with `echo $$ >> file` (and `echo $! >> file` for its children). */
export function recordedPids(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

function stat(pid: number): { state: string; pgrp: number } | null {
  try {
    // `pid (comm) state ppid pgrp …`: fields count from the last ')', as comm may hold spaces.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state, pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}

/** The given pids that still run (zombies, which no longer run, excluded). */
export function running(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    const s = stat(pid);
    return s !== null && s.state !== 'Z';
  });
}

/** The running processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const s = stat(pid);
      return s !== null && s.state !== 'Z' && s.pgrp === pgid;
    });
}

/** Kills whatever a stand-in recorded that still runs (cleanup when the code under test left it). */
export function killRecorded(file: string): void {
  for (const pid of running(recordedPids(file))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}
