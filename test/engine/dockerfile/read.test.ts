/**
 * readDockerfile (engine/dockerfile/read.ts): what dockerfile-ast reads of a Dockerfile, as the
 * core's plain data, with UTF-16 spans into the whole text: FROM images with their stage and
 * platform, COPY --from and RUN --mount from= values, global ARGs (several in one instruction,
 * quoted defaults), the escape directive, continuations, lowercase instructions, and heredoc bodies
 * that are never read as instructions. And analyzeFile: which files are Dockerfiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, isDockerfile, isDockerfileName } from '../../../server/src/engine/analyzeFile';
import { readDockerfile } from '../../../server/src/engine/dockerfile/read';

/** Each use as `role image@[written text] stage platform`. */
function uses(text: string): string[] {
  return readDockerfile(text).uses.map((u) => `${u.role} ${u.image.value}@[${text.slice(u.image.start, u.image.end)}] ${u.stage} ${u.platform} line ${u.line}`);
}

test('FROM, COPY --from and RUN --mount from= with exact spans; heredoc bodies are not instructions', () => {
  const text = [
    'ARG A=1 B="alpine:3.20"',
    'from --platform=linux/arm64 golang:1.22 as build',
    'COPY --from=build /a /b',
    'RUN --mount=type=bind,from=busybox:1.36,target=/b \\',
    '    --mount=type=cache,target=/c true',
    'COPY <<EOF /x',
    'FROM not:an-instruction',
    'EOF',
    'copy --from=nginx:1.27 /n /n',
    '',
  ].join('\n');
  assert.deepEqual(uses(text), [
    'from golang:1.22@[golang:1.22] build linux/arm64 line 1',
    'copyFrom build@[build] null null line 2',
    'mountFrom busybox:1.36@[busybox:1.36] null null line 3',
    'copyFrom nginx:1.27@[nginx:1.27] null null line 8',
  ]);
  const args = readDockerfile(text).globalArgs.map((a) => `${a.name.value}=${a.value?.value}@[${a.value && text.slice(a.value.start, a.value.end)}]`);
  assert.deepEqual(args, ['A=1@[1]', 'B=alpine:3.20@["alpine:3.20"]']);
});

test('the escape directive: backtick continuations, and the spans stay exact', () => {
  const text = '# escape=`\nFROM `\n  mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win\nCOPY --from=win C:\\ C:\\\n';
  const read = readDockerfile(text);
  assert.equal(read.escape, '`');
  assert.deepEqual(uses(text), [
    'from mcr.microsoft.com/windows/nanoserver:ltsc2022@[mcr.microsoft.com/windows/nanoserver:ltsc2022] win null line 1',
    'copyFrom win@[win] null null line 3',
  ]);
});

test('an ARG without a default and one after the first FROM: only those before it are global', () => {
  const read = readDockerfile('ARG BASE\nFROM ${BASE}\nARG LATER=x\n');
  assert.deepEqual(
    read.globalArgs.map((a) => [a.name.value, a.value]),
    [['BASE', null]],
  );
});

test('which files are Dockerfiles: by language, else by the names VS Code gives the Dockerfile language', () => {
  for (const name of ['Dockerfile', 'dockerfile', 'Containerfile', 'dir/Dockerfile.dev', 'api.Dockerfile', 'app.dockerfile', 'C:\\src\\Dockerfile']) {
    assert.equal(isDockerfileName(name), true, name);
  }
  for (const name of ['dockerfile.test.ts', 'Dockerfiles', 'my-dockerfile.txt', 'compose.yaml', 'dockerfiles.ts'])
    assert.equal(isDockerfileName(name), false, name);
  assert.equal(isDockerfile({ fileName: 'untitled:1', languageId: 'dockerfile' }), true);
  assert.equal(isDockerfile({ fileName: 'file:///x/Dockerfile', languageId: 'yaml' }), false);
  assert.equal(isDockerfile({ fileName: 'file:///x/Dockerfile', languageId: 'plaintext' }), true);
  assert.equal(analyzeFile('FROM alpine:3.20\n', { fileName: 'Dockerfile', maxFileSize: 1000 }).documents[0].analysis.parser, 'dockerfile');
  assert.notEqual(analyzeFile('kind: Pod\n', { fileName: 'pod.yaml', maxFileSize: 1000 }).documents[0].analysis.parser, 'dockerfile');
});
