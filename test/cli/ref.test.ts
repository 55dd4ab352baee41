/**
 * `image-aware ref`, run as a real process. Every shared vector goes through one process (one per
 * vector would take seconds), and each vector is still its own subtest, named after the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullPolicyVectors, referenceVectors } from '../helpers/vectors';
import { runCli } from './runCli';

/** Runs `image-aware ref -- INPUT...` once and returns its exit status and one parsed line per input. */
function describeAll(inputs: readonly string[]): { status: number | null; lines: Record<string, unknown>[] } {
  // "--" lets inputs such as "-docker" through as references instead of flags.
  const run = runCli(['ref', '--', ...inputs]);
  assert.equal(run.stderr, '');
  const lines = run.stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, inputs.length, 'one JSON line per reference');
  return { status: run.status, lines };
}

test('image-references.json through one ref process', async (t) => {
  const vectors = referenceVectors();
  assert.ok(
    vectors.some((v) => !v.valid),
    'the vectors include invalid references',
  );
  const { status, lines } = describeAll(vectors.map((v) => v.input));
  assert.equal(status, 2, 'exit 2 when any reference is invalid');
  for (const [i, vector] of vectors.entries()) {
    await t.test(JSON.stringify(vector.input), () => {
      const { defaultPullPolicy, message, start, end, ...line } = lines[i];
      if (vector.valid) {
        const { input, valid, domain, path, tag, digest, familiar, normalized } = vector;
        assert.deepEqual(line, { input, valid, domain, path, tag, digest, familiar, normalized });
        assert.ok(['Always', 'IfNotPresent'].includes(defaultPullPolicy as string), `a default pull policy, got ${String(defaultPullPolicy)}`);
      } else {
        assert.deepEqual(line, { input: vector.input, valid: false, error: vector.error });
        assert.equal(typeof message, 'string');
        assert.ok(Number.isInteger(start) && Number.isInteger(end) && (start as number) <= (end as number), `a span, got ${String(start)}..${String(end)}`);
      }
    });
  }
});

test('pull-policy-defaults.json: defaultPullPolicy of every parseable image without a written policy', async (t) => {
  const vectors = pullPolicyVectors().filter((v) => v.imagePullPolicy === null);
  const { lines } = describeAll(vectors.map((v) => v.image));
  for (const [i, vector] of vectors.entries()) {
    // An invalid reference prints its error instead; the analysis reports it as invalid-reference.
    if (!lines[i].valid) continue;
    await t.test(JSON.stringify(vector.image), () => assert.equal(lines[i].defaultPullPolicy, vector.expectedEffective));
  }
});

test('a valid reference prints one line and exits 0', () => {
  const run = runCli(['ref', 'localhost:5000/team/app:1.2']);
  assert.equal(run.status, 0);
  assert.equal(
    run.stdout,
    '{"input":"localhost:5000/team/app:1.2","valid":true,"domain":"localhost:5000","path":"team/app","tag":"1.2","digest":null,' +
      '"familiar":"localhost:5000/team/app:1.2","normalized":"localhost:5000/team/app:1.2","defaultPullPolicy":"IfNotPresent"}\n',
  );
});

test('an invalid reference prints its error category and span and exits 2', () => {
  const run = runCli(['ref', 'Uppercase:tag']);
  assert.equal(run.status, 2);
  assert.deepEqual(JSON.parse(run.stdout), {
    input: 'Uppercase:tag',
    valid: false,
    error: 'repository name must be lowercase',
    message: 'Repository name must be lowercase: "Uppercase" has uppercase letters.',
    start: 0,
    end: 9,
  });
});

test('ref without a reference, or with an unknown flag, is a usage error', () => {
  for (const args of [['ref'], ['ref', '-docker']]) {
    const run = runCli(args);
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^image-aware: /);
  }
});
