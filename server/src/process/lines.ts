/**
 * The output of the programs run (build tools, scanners) as lines for people: split as it arrives,
 * bounded in length and number, and the lines that explain a failure picked from the last ones.
 */
const TAIL_LINES = 200;
/** How many of a program's last lines make an error message. */
const MESSAGE_LINES = 5;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** logrus lines below error level (`time="…" level=warning msg="…"`): chatter, not the reason. */
const LOG_CHATTER = /^time="[^"]*"\s+level=(trace|debug|info|warning)\b/;
/** Where a program's own error message starts: `Error: …` (buildah, podman), `Error response from daemon: …` (docker). */
const ERROR_START = /^(error\b|error response from daemon:)/i;

/** A program that prints without line breaks (a progress bar, a binary) is cut into lines this long, so memory stays bounded. */
export const MAX_LINE = 16 * 1024;

/** Splits a stream into lines (LF, CRLF, or the CR of progress output), without ANSI colours. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const text = pending + chunk;
      // A trailing CR waits for the next chunk: it may be the first half of a CRLF.
      const complete = text.endsWith('\r') ? text.length - 1 : text.length;
      const parts = text.slice(0, complete).split(/\r\n|\n|\r/);
      pending = (parts.pop() ?? '') + text.slice(complete);
      while (pending.length > MAX_LINE) {
        parts.push(pending.slice(0, MAX_LINE));
        pending = pending.slice(MAX_LINE);
      }
      for (const part of parts) onLine(part.replace(ANSI, ''));
    },
    end() {
      const last = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
      if (pending !== '') onLine(last.replace(ANSI, ''));
      pending = '';
    },
  };
}

/** Appends `line`, keeping only the last TAIL_LINES. */
export function keepTail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > TAIL_LINES) lines.shift();
}

function lastIndexWhere(lines: readonly string[], test: (line: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i])) return i;
  return -1;
}

/**
 * The program's own explanation among its last output lines: the last paragraph (docker prints a
 * deprecation notice, a blank line, then the error), without logrus chatter and repeated lines,
 * starting at its last `Error…` line when it has one (buildah and podman print progress first).
 */
export function meaningfulLines(lines: readonly string[]): string[] {
  const trimmed = lines.map((line) => line.trimEnd());
  const lastText = lastIndexWhere(trimmed, (line) => line.trim() !== '');
  const blankBefore = lastIndexWhere(trimmed.slice(0, lastText + 1), (line) => line.trim() === '');
  const paragraph = trimmed.slice(blankBefore + 1, lastText + 1).filter((line, i, all) => !LOG_CHATTER.test(line) && line !== all[i - 1]);
  const errorAt = lastIndexWhere(paragraph, (line) => ERROR_START.test(line.trim()));
  return errorAt >= 0 ? paragraph.slice(errorAt) : paragraph.slice(-MESSAGE_LINES);
}
