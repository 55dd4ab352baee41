/**
 * The `not-analysed` findings: where the analysis gives up on part of a file, one finding marks the
 * spot and says which limit stopped it.
 */
import { lineEndOf } from '../lines';
import type { Finding } from './finding';

/** A size in MB as people write it: `8 MB`, `0.5 MB`. */
function megabytes(size: number): string {
  return `${Number((size / 1048576).toPrecision(3))} MB`;
}

/**
 * On the first line of the first document that ends past maxFileSize. `setting` names the option
 * that sets the limit in the front end that asked (a setting, a flag); without it none is named.
 */
export function fileTooLarge(text: string, start: number, maxFileSize: number, setting: string | undefined): Finding {
  const option = setting === undefined ? '' : ` (${setting})`;
  const message = `The file is larger than ${megabytes(maxFileSize)}${option}; the rest was not analysed.`;
  return { code: 'not-analysed', message, start, end: lineEndOf(text, start) };
}

/** On the first line of a file with a NUL at offset nul. */
export function binaryContent(text: string, nul: number): Finding {
  const message = `Not analysed: this looks like binary data (a NUL character at offset ${nul}), not YAML.`;
  return { code: 'not-analysed', message, start: 0, end: lineEndOf(text, 0) };
}

/** On the first line of a document whose containers (through aliases) passed the limit. */
export function tooManyContainers(source: string, limit: number): Finding {
  const message = `This document reaches more than ${limit} containers (through aliases?); the rest are not checked.`;
  return { code: 'not-analysed', message, start: 0, end: lineEndOf(source, 0) };
}

/** On the first character of the first collection (or alias) that would nest deeper than limit. */
export function nestedTooDeep(at: number, limit: number): Finding {
  const message = `The YAML here nests deeper than ${limit} levels; what it holds was not analysed.`;
  return { code: 'not-analysed', message, start: at, end: at + 1 };
}
