/**
 * The type Kubernetes gives a plain (unquoted) scalar. kubectl turns YAML into JSON with
 * sigs.k8s.io/yaml, whose resolver is go-yaml v2's (kubernetes-sigs/yaml goyaml.v2/resolve.go,
 * commit 742f5e6f): YAML 1.1 booleans (`yes`, `on`, `n`…), Go integers (`0x1F`, `0o17`, `1_000`)
 * and floats. The API server then rejects a number or boolean where a string belongs, so this
 * resolver is written out rule by rule here rather than borrowed from the `yaml` package, whose
 * YAML 1.2 core schema reads `yes` and `0o17` differently. Timestamps stay strings on that path.
 */

export type PlainScalarType = 'string' | 'number' | 'boolean';

const BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
for (const value of FALSES) BOOLEANS.add(value);

/** resolveMap's float entries: NaN and the infinities. */
const SPECIAL_FLOAT = /^(\.(nan|NaN|NAN)|[-+]?\.(inf|Inf|INF))$/;
/** strconv.ParseInt/ParseUint with base 0 (after go-yaml removed every "_"): 0x, 0o, 0b and a leading 0 pick the base. */
const GO_INTEGER = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml's yamlStyleFloat, which is then given to strconv.ParseFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

export function plainScalarType(value: string): PlainScalarType {
  if (BOOLEANS.has(value)) return 'boolean';
  if (SPECIAL_FLOAT.test(value)) return 'number';
  const first = value.charAt(0);
  if (first === '.') return YAML_FLOAT.test(value) && Number.isFinite(Number(value)) ? 'number' : 'string';
  if (!/[-+0-9]/.test(first)) return 'string';
  const plain = value.replace(/_/g, '');
  if (GO_INTEGER.test(plain)) return 'number';
  // ParseFloat fails with ErrRange past the largest float64, and go-yaml then keeps the text.
  return YAML_FLOAT.test(plain) && Number.isFinite(Number(plain)) ? 'number' : 'string';
}
