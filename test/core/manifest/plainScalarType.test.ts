/**
 * plainScalarType: what kubectl's YAML reader (go-yaml v2's resolve.go through sigs.k8s.io/yaml)
 * makes of an unquoted value. The table follows resolve.go's branches: the resolve map (YAML 1.1
 * booleans, .inf, .nan), strconv.ParseInt with base 0 after "_" is removed, yamlStyleFloat, and
 * everything else a string (timestamps included, which stay strings for an untyped target).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainScalarType } from '../../../server/src/core/manifest/plainScalarType';
import type { PlainScalarType } from '../../../server/src/core/manifest/plainScalarType';

const cases: Record<PlainScalarType, readonly string[]> = {
  boolean: ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'on', 'ON', 'off', 'Off', 'true', 'True', 'TRUE', 'false', 'FALSE'],
  number: [
    '0',
    '20',
    '-1',
    '+7',
    '1.0',
    '1.',
    '.5',
    '-.5',
    '1e3',
    '1E-3',
    '0x1F',
    '0X1f',
    '0o17',
    '0O17',
    '0b101',
    '-0b1',
    '0755',
    '09',
    '1_000',
    '1_0.5',
    '123456789012345678901234567890',
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
  ],
  string: [
    'nginx',
    'nginx:1.0',
    '1.0.0',
    '1.25-alpine',
    'v1',
    'yES',
    'tRue',
    'nO',
    '0x',
    '0b2',
    '-',
    '+',
    '.',
    '..5',
    '_1',
    '1e999',
    '2024-01-01',
    '1:20',
    '0x1F:latest',
    'ko://knative.dev/serving/cmd/controller',
    '.inf5',
    'infinity',
    'NaN',
  ],
};

for (const [type, values] of Object.entries(cases)) {
  for (const value of values) test(`plainScalarType: ${JSON.stringify(value)} is a ${type}`, () => assert.equal(plainScalarType(value), type));
}
