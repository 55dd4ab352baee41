// Says where a test file hangs before the runner's timeout ends it (Node 20 then reports only the file).
// Once a test file's process has run for `afterMs`, it prints each process of that file's tree with its
// state (R running, S waiting, D in the kernel, T stopped), CPU seconds and command line, and, from a
// Node diagnostic report the process writes on SIGUSR2, what its event loop waits for (sockets, timers,
// child processes). A process spinning in JavaScript writes no report; its state and CPU time say so.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPORT_WAIT_MS = 3000;
/** Node's flags that make a process write a report on SIGUSR2 into `dir` (the test files' processes inherit them). */
export const reportFlags = (dir) => ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${dir}`, '--report-compact'];

/** pid → { ppid, state, cpuSeconds, command } for every process /proc lists. */
function processes() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so fields count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      table.set(Number(name), { ppid: Number(fields[1]), state: fields[0], cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, command });
    } catch {
      // Gone while reading.
    }
  }
  return table;
}

function descendants(table, root) {
  const found = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, info] of table) {
      if (info.ppid !== parent) continue;
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

/** What a diagnostic report says the event loop waits for, a line per active handle. */
export function handlesOf(reportDir, pid) {
  // report.<date>.<time>.<pid>.<thread>.<sequence>.json
  const name = readdirSync(reportDir).find((file) => file.split('.')[3] === String(pid));
  if (name === undefined) return ['  (no report: the process did not return to its event loop)'];
  let report;
  try {
    report = JSON.parse(readFileSync(join(reportDir, name), 'utf8'));
  } catch (error) {
    // Still being written, or cut off.
    return [`  (the report could not be read: ${error.message})`];
  }
  if (!Array.isArray(report?.libuv)) return ['  (the report lists no handles)'];
  const active = report.libuv.filter((handle) => handle.is_active && !['async', 'check', 'prepare', 'idle', 'loop', 'signal'].includes(handle.type));
  const endpoint = (at) => (at === undefined || at === null ? '' : ` ${at.ip4 ?? at.ip6 ?? at.host}:${at.port}`);
  return active.map((handle) => `  ${handle.type}${endpoint(handle.localEndpoint)}${handle.remoteEndpoint ? ' →' : ''}${endpoint(handle.remoteEndpoint)}`);
}

/**
 * Starts watching the test files run by the process `runnerPid` (started with `reportFlags(reportDir)`);
 * returns a function that stops it.
 */
export function watchTestFiles(runnerPid, reportDir, { afterMs, pollMs = 5000, print = console.error }) {
  const firstSeen = new Map();
  const reported = new Set();
  const check = () => {
    const table = processes();
    const now = Date.now();
    for (const pid of descendants(table, runnerPid)) {
      const info = table.get(pid);
      if (!/\.test\.js$/.test(info.command) || !info.command.includes('--report-on-signal')) continue;
      if (!firstSeen.has(pid)) firstSeen.set(pid, now);
      if (reported.has(pid) || now - firstSeen.get(pid) < afterMs) continue;
      reported.add(pid);
      try {
        process.kill(pid, 'SIGUSR2');
      } catch {
        continue; // It ended since /proc was read.
      }
      setTimeout(() => {
        const later = processes();
        const tree = [pid, ...descendants(later, pid)].filter((member) => later.has(member));
        const lines = tree.map((member) => {
          const { state, cpuSeconds, command } = later.get(member);
          return `  ${member} ${state} ${cpuSeconds.toFixed(1)} s CPU: ${command.slice(0, 200)}`;
        });
        print(
          [
            `# still running after ${Math.round(afterMs / 1000)} s: ${info.command.split(' ').pop()}`,
            ...lines,
            '  waits for:',
            ...handlesOf(reportDir, pid),
          ].join('\n'),
        );
      }, REPORT_WAIT_MS).unref();
    }
  };
  const timer = setInterval(check, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
