/**
 * A unified diff of two texts, as `diff -u` prints it (and `patch -p0` and `git apply -p0` read it):
 * `--- path` / `+++ path`, hunks with three lines of context, `@@ -start,count +start,count @@`
 * (a count of 1 is left out, an empty side starts at the line before it), and
 * `\ No newline at end of file` after a last line without a line break. Lines are compared with
 * their `\r`, so a CRLF file's diff carries CRLF lines, as diff prints them.
 *
 * The line diff is Myers' O((N+M)·D) algorithm after trimming the common prefix and suffix, so
 * the few lines a pin changes in a long file cost next to nothing.
 */

const CONTEXT = 3;

interface Line {
  readonly text: string;
  /** False only for a last line without a line break. */
  readonly newline: boolean;
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop()!;
  const lines = parts.map((part) => ({ text: part, newline: true }));
  if (last !== '') lines.push({ text: last, newline: false });
  return lines;
}

function same(a: Line, b: Line): boolean {
  return a.text === b.text && a.newline === b.newline;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: Line };

/** The shortest edit script between a and b (Myers 1986), as a sequence of kept, removed and added lines. */
function editScript(a: readonly Line[], b: readonly Line[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && same(a[prefix], b[prefix])) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && same(a[a.length - 1 - suffix], b[b.length - 1 - suffix])) suffix++;
  const xs = a.slice(prefix, a.length - suffix);
  const ys = b.slice(prefix, b.length - suffix);
  const n = xs.length;
  const m = ys.length;
  const max = n + m;
  // v[offset + k] is the furthest x reached on diagonal k; trace[d] keeps diagonals -d..d of v as it
  // was before round d (index k + d), which is all the walk back needs, in O(D²) memory.
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  const before = (d: number, k: number): number => (k < -d || k > d ? 0 : trace[d][k + d]);
  for (let d = 0, done = n === 0 && m === 0; !done; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && same(xs[x], ys[y])) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk back from (n, m): each round d ends with a diagonal run after one down (insert) or right (delete) step.
  const middle: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    const down = k === -d || (k !== d && before(d, k - 1) < before(d, k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : before(d, previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      middle.push({ kind: ' ', line: xs[x] });
    }
    if (d === 0) break;
    if (down) middle.push({ kind: '+', line: ys[--y] });
    else middle.push({ kind: '-', line: xs[--x] });
  }
  middle.reverse();
  return [
    ...a.slice(0, prefix).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(a.length - suffix).map((line) => ({ kind: ' ' as const, line })),
  ];
}

function range(start: number, count: number): string {
  // diff -u: a one-line range is just its line; an empty one names the line before it.
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

function printLine(op: Op): string {
  return `${op.kind}${op.line.text}\n${op.line.newline ? '' : '\\ No newline at end of file\n'}`;
}

/** Groups the indexes of changed operations into hunks: changes at most 2·CONTEXT kept lines apart share one. */
function hunks(ops: readonly Op[]): Array<{ start: number; end: number }> {
  const groups: Array<{ start: number; end: number }> = [];
  ops.forEach((op, i) => {
    if (op.kind === ' ') return;
    const last = groups[groups.length - 1];
    if (last !== undefined && i - last.end <= 2 * CONTEXT) last.end = i + 1;
    else groups.push({ start: i, end: i + 1 });
  });
  return groups.map((g) => ({ start: Math.max(0, g.start - CONTEXT), end: Math.min(ops.length, g.end + CONTEXT) }));
}

/** The unified diff turning oldText into newText, with both headers naming path; '' when they are equal. */
export function unifiedDiff(path: string, oldText: string, newText: string): string {
  if (oldText === newText) return '';
  const ops = editScript(splitLines(oldText), splitLines(newText));
  let out = `--- ${path}\n+++ ${path}\n`;
  let oldLine = 1;
  let newLine = 1;
  let at = 0;
  for (const hunk of hunks(ops)) {
    for (; at < hunk.start; at++) {
      if (ops[at].kind !== '+') oldLine++;
      if (ops[at].kind !== '-') newLine++;
    }
    const lines = ops.slice(hunk.start, hunk.end);
    const oldCount = lines.filter((op) => op.kind !== '+').length;
    const newCount = lines.filter((op) => op.kind !== '-').length;
    out += `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${lines.map(printLine).join('')}`;
  }
  return out;
}
