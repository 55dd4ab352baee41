/**
 * Docker credential helpers run the way docker runs them, and no worse: stand-in helpers (shell
 * scripts in a temporary folder, named in config.json's credHelpers) that hang ignoring SIGTERM,
 * leave a child holding stdout, print a secret on stderr, print too much, or sit in the current
 * folder where only an empty, "." or relative PATH entry would find them; and config files whose
 * syntax error sits right next to a secret. Nothing they start may outlive the call, and no
 * message may carry a byte of what they printed or of the file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDefaultKeychain } from '../../server/src/registry/credentials/keychain';
import type { KeychainOptions } from '../../server/src/registry/credentials/keychain';
import { RegistryError } from '../../server/src/registry/errors';
import { groupMembers, killRecorded, recordedPids, running, writeScript } from '../helpers/standInPrograms';

let root: string;
let bin: string;
let pids: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'image-aware-helpers-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  pids = join(root, 'pids');
});

after(() => {
  killRecorded(pids);
  rmSync(root, { recursive: true, force: true });
});

const SECRET = 'Zq9XvK7wPpL3mN8r';

/** A keychain whose docker config sends registry r.io to `docker-credential-<helper>`, found on `path`. */
function keychainFor(helper: string, options: { path?: string; timeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(root, 'docker-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'r.io': helper } }));
  const keychainOptions: KeychainOptions & { helperKillGraceMs: number } = {
    dockerConfigDir: dir,
    env: { HOME: root, PATH: options.path ?? `${bin}:/usr/bin:/bin` },
    helperTimeoutMs: options.timeoutMs ?? 5000,
    helperKillGraceMs: 200,
  };
  return createDefaultKeychain(keychainOptions);
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RegistryError, String(error));
  return error;
}

/** No 4-character piece of `secret` appears in `text`. */
function assertNoPieceOf(secret: string, text: string): void {
  for (let i = 0; i + 4 <= secret.length; i++) assert.ok(!text.includes(secret.slice(i, i + 4)), `"${text}" holds a piece of the secret`);
}

test('a helper that ignores SIGTERM is killed with its whole group when the timeout passes', { timeout: 15_000 }, async () => {
  writeScript(bin, 'docker-credential-stubborn', `echo $$ >> ${pids}\ntrap '' TERM\nsleep 30 &\necho $! >> ${pids}\nwait`);
  const keychain = keychainFor('stubborn', { timeoutMs: 300 });
  const started = Date.now();
  const error = await failure(keychain.resolve({ registry: 'r.io' }));
  const took = Date.now() - started;
  assert.equal(error.code, 'CREDENTIALS');
  assert.equal(error.message, 'credential helper docker-credential-stubborn failed for r.io: it did not answer within 300 ms and was stopped');
  assert.ok(took < 300 + 200 + 1500, `settled after ${took} ms`);
  const [leader] = recordedPids(pids);
  assert.deepEqual(running(recordedPids(pids)), []);
  assert.deepEqual(groupMembers(leader), []);
});

test('a helper that exits but leaves a child holding stdout answers, and the child is ended', { timeout: 15_000 }, async () => {
  const file = join(root, 'fork-pids');
  const answer = JSON.stringify({ ServerURL: 'r.io', Username: 'u', Secret: 's' });
  writeScript(bin, 'docker-credential-forking', `echo $$ >> ${file}\nsleep 30 &\necho $! >> ${file}\necho '${answer}'`);
  try {
    const started = Date.now();
    const credential = await keychainFor('forking').resolve({ registry: 'r.io' });
    const took = Date.now() - started;
    assert.deepEqual(credential, { kind: 'basic', username: 'u', password: 's', source: 'credential helper docker-credential-forking' });
    assert.ok(took < 2000, `answered after ${took} ms, not at the 5 s timeout`);
    assert.deepEqual(running(recordedPids(file)), []);
  } finally {
    killRecorded(file);
  }
});

test('what a failing helper prints is never repeated: the message says how it failed', async () => {
  writeScript(bin, 'docker-credential-leaky', `echo "token=${SECRET}" >&2\nexit 1`);
  const exited = await failure(keychainFor('leaky').resolve({ registry: 'r.io' }));
  assert.equal(exited.message, 'credential helper docker-credential-leaky failed for r.io: it exited with code 1');

  writeScript(bin, 'docker-credential-garbled', `echo "{\\"Secret\\": ${SECRET}"`);
  const garbled = await failure(keychainFor('garbled').resolve({ registry: 'r.io' }));
  assert.equal(garbled.message, 'credential helper docker-credential-garbled failed for r.io: its output is not the expected JSON');

  writeScript(bin, 'docker-credential-crashing', 'kill -SEGV $$');
  const crashed = await failure(keychainFor('crashing').resolve({ registry: 'r.io' }));
  assert.equal(crashed.message, 'credential helper docker-credential-crashing failed for r.io: it was ended by signal SIGSEGV');

  for (const error of [exited, garbled, crashed]) {
    assertNoPieceOf(SECRET, error.message);
    assertNoPieceOf(SECRET, String((error as { cause?: unknown }).cause ?? ''));
  }
});

test('"credentials not found" on stdout is anonymous, as docker reads it', async () => {
  writeScript(bin, 'docker-credential-empty', 'echo "credentials not found in native keychain"\nexit 1');
  const credential = await keychainFor('empty').resolve({ registry: 'r.io' });
  assert.deepEqual(credential, { kind: 'anonymous', source: 'anonymous (credential helper docker-credential-empty has no credentials for r.io)' });
});

test('a helper that prints without end is stopped at the output bound', { timeout: 15_000 }, async () => {
  writeScript(bin, 'docker-credential-chatty', `echo $$ >> ${pids}\nexec yes '${SECRET}'`);
  const error = await failure(keychainFor('chatty').resolve({ registry: 'r.io' }));
  assert.equal(error.message, 'credential helper docker-credential-chatty failed for r.io: it printed more than 64 KiB, which is not the expected JSON');
  assert.deepEqual(running(recordedPids(pids)), []);
});

test('a helper is never run from the current folder: not through an empty, "." or relative PATH entry', async () => {
  const here = mkdtempSync(join(root, 'cwd-'));
  const marker = join(root, 'ran-from-cwd');
  writeScript(here, 'docker-credential-here', `touch ${marker}\necho '{"Username":"u","Secret":"s"}'`);
  mkdirSync(join(here, 'sub'));
  writeScript(join(here, 'sub'), 'docker-credential-here', `touch ${marker}\necho '{"Username":"u","Secret":"s"}'`);
  const previous = process.cwd();
  process.chdir(here);
  try {
    for (const path of [`${bin}::/usr/bin:/bin`, `/usr/bin:/bin:`, `.:/usr/bin:/bin`, `sub:/usr/bin:/bin`]) {
      const error = await failure(keychainFor('here', { path }).resolve({ registry: 'r.io' }));
      assert.equal(error.message, 'credential helper docker-credential-here failed for r.io: docker-credential-here was not found on PATH', path);
      assert.equal(existsSync(marker), false, `run through PATH ${path}`);
    }
  } finally {
    process.chdir(previous);
  }
});

test('a config file with a syntax error next to a secret is named with line and column, never its bytes', async () => {
  const dir = mkdtempSync(join(root, 'broken-'));
  const file = join(dir, 'config.json');
  const keychain = createDefaultKeychain({ dockerConfigDir: dir, env: { HOME: root } });
  // V8 quotes the bytes around an unexpected token: `Unexpected token 'Z', ..."password": Zq9XvK7wP"... is not valid JSON`.
  writeFileSync(file, `{\n  "auths": {\n    "r.io": { "password": ${SECRET} }\n  }\n}\n`);
  const unquoted = await keychain.resolve({ registry: 'r.io' });
  assert.deepEqual(unquoted, { kind: 'anonymous', source: `anonymous (docker config ${file} is not valid JSON: line 3, column 27)` });

  // One closing brace short: it ends too soon, just past its last character.
  writeFileSync(file, `{"auths": {"r.io": {"auth": "${SECRET}"}}`);
  const unterminated = await keychain.resolve({ registry: 'r.io' });
  assert.deepEqual(unterminated, { kind: 'anonymous', source: `anonymous (docker config ${file} is not valid JSON: line 1, column 49)` });

  // podman's auth file ($REGISTRY_AUTH_FILE) is read by the same code.
  const authFile = join(dir, 'auth.json');
  writeFileSync(authFile, `{"auths": {"r.io": {"auth": "${SECRET}\u0001"}}}`);
  const podmanKeychain = createDefaultKeychain({ dockerConfigDir: join(dir, 'none'), env: { HOME: root, REGISTRY_AUTH_FILE: authFile } });
  const podman = await podmanKeychain.resolve({ registry: 'r.io' });
  assert.deepEqual(podman, { kind: 'anonymous', source: `anonymous (podman auth file ${authFile} is not valid JSON: line 1, column 46)` });
  for (const answer of [unquoted, unterminated, podman]) assertNoPieceOf(SECRET, answer.source);
});
