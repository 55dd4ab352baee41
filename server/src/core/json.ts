/**
 * Reading values of unknown shape, as JSON.parse or a YAML parser returns them: a record is an object that is
 * neither null nor an array. Every layer reads outside data through these two, so they all agree on what a record is.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a record, else an empty one: for reading nested fields that may be missing. */
export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
