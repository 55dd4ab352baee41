#!/usr/bin/env node
// Writes out/marketplace/README.md: README.md as the VSIX ships it (`vsce package --readme-path`),
// which is what the Marketplace page and VS Code's extension details show.
//
// README.md embeds screenshots by relative path (docs/*.png), which a forge renders from the clone.
// In the VSIX they would be broken: vsce rewrites relative links only against a repository URL
// (package.json has none, and none is invented here), and VS Code's extension details view does not
// resolve them either: it renders the README in a webview whose Content-Security-Policy allows
// `img-src https: data:` only, so `docs/hover.png` becomes a request to the webview's own folder and
// is blocked (checked in code-server 4.100.3 = VS Code 1.100.3 with a VSIX that shipped the PNGs).
// So each relative image becomes one line of text naming the screenshot, and the caption after it
// stays. Relative links (docs/cli.md, CONTRIBUTING.md) are just as dead there, so each becomes the
// file it names, in code style (after the link's text when that is not the file name). Once package.json has a `repository`, vsce can rewrite the
// links itself and this step can go.
//
//   node scripts/marketplace-readme.mjs [--check]   (--check: only fail if README.md has an image
//                                                     or link this script cannot turn into text)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MARKETPLACE_README = join(root, 'out/marketplace/README.md');

const isRelative = (target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#');

/** README.md's text with every relative image replaced by a line that names it, and every relative link by its text and file. */
export function marketplaceReadme(text) {
  if (/<img\b/i.test(text)) throw new Error('README.md: use Markdown images (![caption](docs/x.png)), not <img>, so they can be turned into text for the VSIX');
  if (/<a\b[^>]*\bhref=/i.test(text)) {
    throw new Error('README.md: use Markdown links ([text](docs/x.md)), not <a href>, so they can be turned into text for the VSIX');
  }
  const definition = /^ {0,3}\[[^\]]+\]:\s*(\S+)/m.exec(text);
  if (definition && isRelative(definition[1])) {
    throw new Error(`README.md: use inline links, not a reference definition for ${definition[1]}, so they can be turned into text for the VSIX`);
  }
  return text.replace(/(!?)\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, bang, label, target) => {
    if (!isRelative(target)) return whole;
    if (bang) return `Screenshot \`${target}\` (in the source repository; the package has no link to show it from):`;
    const file = target.replace(/#.*/, '');
    return label === file || label === `\`${file}\`` ? `\`${file}\`` : `${label} (\`${file}\`)`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = marketplaceReadme(readFileSync(join(root, 'README.md'), 'utf8'));
  if (!process.argv.includes('--check')) {
    mkdirSync(dirname(MARKETPLACE_README), { recursive: true });
    writeFileSync(MARKETPLACE_README, text);
    console.log(`${MARKETPLACE_README.slice(root.length + 1)}: README.md without relative images and links`);
  }
}
