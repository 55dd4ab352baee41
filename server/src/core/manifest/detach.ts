/**
 * Copies the strings an analysis keeps, so they stop pointing into the file text.
 *
 * V8 makes a substring of 13 or more characters a "sliced string" that references its whole parent.
 * A DocumentAnalysis is reused across edits (analysis.ts), so an image value sliced from version 1
 * of a 1 MB file would keep that version alive for as long as its document stays unedited, and a
 * long editing session would pile up old versions. Concatenation makes a new string that V8
 * flattens into fresh memory when it is sliced, which breaks the link; shorter strings are copies
 * already. test/core/analysis.test.ts measures the heap to check this.
 */
import type { YamlScalar } from './yamlTree';

const SLICED_STRING_MIN_LENGTH = 13;

export function detach(value: string): string {
  return value.length < SLICED_STRING_MIN_LENGTH ? value : (' ' + value).slice(1);
}

export function detachScalar(scalar: YamlScalar): YamlScalar {
  return scalar.value.length < SLICED_STRING_MIN_LENGTH ? scalar : { ...scalar, value: detach(scalar.value) };
}
