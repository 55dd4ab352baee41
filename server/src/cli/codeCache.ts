/**
 * Runs a CommonJS bundle with a V8 code cache, so a fresh process does not parse and compile the
 * same megabyte of JavaScript on every run. The cache file is named by a SHA-256 of the bundle's
 * bytes, Node's version and the architecture, so a cache is never used by another build or Node;
 * V8's own check covers little more than the source's length. Each file holds a SHA-256 of its
 * payload, checked before V8 sees it; one larger than MAX_CACHE_BYTES is not read. It is written
 * once (when missing or rejected), at exit, when every function the run compiled is in it, to a
 * temporary file renamed into place; the folder keeps the MAX_CACHES most recently written (builds
 * installed side by side each keep theirs).
 * A cached code runs as this process, so a cache is only read from, and written to, a folder and file
 * that this user owns and no one else can write (as ssh treats its keys).
 * A cache that cannot be read or written only costs the compile it would have saved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const MAX_CACHE_BYTES = 32 * 1024 * 1024;
const MAX_CACHES = 4;
const DIGEST_BYTES = 32;
const CACHE_FILE = /^[\w-]+-[0-9a-f]{32}\.v8$/;

function sha256(...parts: (string | Uint8Array)[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** Whether only this user can have written `path`: they own it and neither group nor others may write it. */
function isPrivate(path: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  const info = statSync(path);
  return info.uid === uid && (info.mode & 0o022) === 0;
}

/** The cached data in `path`, or null when it is missing, too large, not private or not what was written. */
function readCache(path: string): Buffer | null {
  try {
    if (!isPrivate(dirname(path)) || !isPrivate(path) || statSync(path).size > MAX_CACHE_BYTES) return null;
    const bytes = readFileSync(path);
    const data = bytes.subarray(DIGEST_BYTES);
    return bytes.length > DIGEST_BYTES && sha256(data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : null;
  } catch {
    return null;
  }
}

function writeCache(path: string, data: Buffer): void {
  if (data.length + DIGEST_BYTES > MAX_CACHE_BYTES) return;
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!isPrivate(folder)) return;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, sha256(data));
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    const caches = readdirSync(folder)
      .filter((name) => CACHE_FILE.test(name))
      .map((name) => ({ path: join(folder, name), written: statSync(join(folder, name)).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const old of caches.slice(MAX_CACHES)) if (old.path !== path) rmSync(old.path, { force: true });
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The folder cannot hold the temporary file either, so there is nothing to remove.
    }
  }
}

/** Runs `bundle` as the main module would run, except that it cannot use import(); `cacheDir` null runs it without a cache. */
export function runWithCodeCache(bundle: string, cacheDir: string | null): void {
  const source = readFileSync(bundle, 'utf8');
  const key = sha256(source, process.version, process.arch).toString('hex').slice(0, 32);
  const path = cacheDir === null ? null : join(cacheDir, `${basename(bundle, '.js')}-${key}.v8`);
  const cached = path === null ? null : readCache(path);
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    cachedData: cached ?? undefined,
  });
  if (path !== null && (cached === null || script.cachedDataRejected === true)) process.once('exit', () => writeCache(path, script.createCachedData()));
  const module = new Module(bundle);
  module.filename = bundle;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
