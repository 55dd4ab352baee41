/**
 * A unified diff of two texts, as `diff -u` prints it (and `patch -p0` and `git apply -p0` read it):
 * `--- path` / `+++ path`, hunks with three lines of context, `@@ -start,count +start,count @@`
 * (a count of 1 is left out, an empty side starts at the line before it), and
 * `\ No newline at end of file` after a last line without a line break. Lines are compared with
 * their `\r`, so a CRLF file's diff carries CRLF lines, as diff prints them.
 * The line diff is jsdiff's; only the hunk headers are written here, because jsdiff always writes
 * the count (`-1,1`) where diff -u leaves a count of 1 out.
 */
import { structuredPatch } from 'diff';

const CONTEXT = 3;

/** diff -u: a one-line range is just its line; an empty one names the line before it. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** The unified diff turning oldText into newText, with both headers naming path; '' when they are equal. */
export function unifiedDiff(path: string, oldText: string, newText: string): string {
  if (oldText === newText) return '';
  const patch = structuredPatch(path, path, oldText, newText, undefined, undefined, { context: CONTEXT });
  let out = `--- ${path}\n+++ ${path}\n`;
  for (const hunk of patch.hunks) {
    out += `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`;
    for (const line of hunk.lines) out += `${line}\n`;
  }
  return out;
}
