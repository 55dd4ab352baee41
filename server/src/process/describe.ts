/**
 * How a run that did not succeed ended, in words for people, as the end of a sentence that names
 * the program ("credential helper docker-credential-pass failed for ghcr.io: it exited with code 1").
 * Only the facts of the ending: never anything the program printed, which can hold secrets.
 */
import type { GroupEnding } from './group';

function size(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function describeEnding(ending: GroupEnding): string {
  switch (ending.kind) {
    case 'exited':
      return ending.code !== null ? `it exited with code ${ending.code}` : `it was ended by signal ${ending.signal ?? 'unknown'}`;
    case 'timed-out':
      return `it did not answer within ${duration(ending.afterMs)} and was stopped`;
    case 'overflow':
      return `it printed more than ${size(ending.limitBytes)}`;
    case 'cancelled':
      return 'it was cancelled';
    case 'not-started':
      return `it could not be started (${ending.error.code ?? 'error'})`;
  }
}
