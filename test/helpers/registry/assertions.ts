/** Assertions about the registry client's typed errors, shared by the client, auth and cache tests. */
import assert from 'node:assert/strict';
import type { RegistryError } from '../../../server/src/registry';

/** Awaits promise, expects it to reject with a RegistryError of `code`, and returns that error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    assert.equal((error as RegistryError).code, code, (error as Error).message);
    return error as RegistryError;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}
