/**
 * dist/cli.js: starts the CLI bundle (dist/cliMain.js, built from main.ts) through a V8 code cache
 * (codeCache.ts) in the user's cache folder, `$XDG_CACHE_HOME/image-aware/v8` or
 * `~/.cache/image-aware/v8`; IMAGE_AWARE_CODE_CACHE=off runs it without one. Like main.ts it touches
 * the process, only to read those variables.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runWithCodeCache } from './codeCache';

function cacheDir(): string | null {
  if (process.env.IMAGE_AWARE_CODE_CACHE === 'off') return null;
  const root = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(root, 'image-aware', 'v8');
}

runWithCodeCache(join(__dirname, 'cliMain.js'), cacheDir());
