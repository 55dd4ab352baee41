/**
 * The documentation's links hold: every relative link in README.md, CONTRIBUTING.md,
 * ARCHITECTURE.md and docs/*.md names a file of the repository, and a `#fragment` names an
 * anchor of its page: an `<a id>` or a heading, slugged the way GitHub slugs headings. README.md
 * and ARCHITECTURE.md stay within their word budgets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

const DOCS_PAGES = readdirSync(resolve(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md', ...DOCS_PAGES];

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces as `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown outside fenced code blocks, where a `#` line is a heading and `[x](y)` a link. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

function anchorsOf(file: string): Set<string> {
  const text = prose(readFileSync(resolve(root, file), 'utf8'));
  const ids = [...text.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
  return new Set([...ids, ...headings]);
}

test('slug makes GitHub heading anchors', () => {
  assert.equal(slug('`invalid-reference`: the image does not parse'), 'invalid-reference-the-image-does-not-parse');
  assert.equal(slug('TLS and plain HTTP'), 'tls-and-plain-http');
  assert.equal(slug("Bird's eye view"), 'birds-eye-view');
});

test('every relative link in the documentation names a file, and every fragment an anchor of its page', () => {
  const broken: string[] = [];
  for (const page of PAGES) {
    const text = prose(readFileSync(resolve(root, page), 'utf8'));
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path, fragment] = target.split('#') as [string, string | undefined];
      const file = path === '' ? page : normalize(join(dirname(page), path));
      if (!existsSync(resolve(root, file))) broken.push(`${page}: ${target} (no file ${file})`);
      else if (fragment !== undefined && file.endsWith('.md') && !anchorsOf(file).has(fragment)) {
        broken.push(`${page}: ${target} (no anchor #${fragment} in ${file})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('no page cites a file the repository does not have', () => {
  const missing: string[] = [];
  for (const page of PAGES) {
    for (const [, name] of readFileSync(resolve(root, page), 'utf8').matchAll(/\b([A-Z][A-Z-]+\.md)\b/g)) {
      if (!existsSync(resolve(root, name))) missing.push(`${page}: ${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

// The pages a newcomer reads first stay short enough to read (issue 11): words as `wc -w` counts them.
for (const [page, limit] of [
  ['README.md', 2000],
  ['ARCHITECTURE.md', 1500],
] as const) {
  test(`${page} is at most ${limit} words`, () => {
    const words = readFileSync(resolve(root, page), 'utf8').split(/\s+/).filter(Boolean).length;
    assert.ok(words <= limit, `${page} has ${words} words`);
  });
}
