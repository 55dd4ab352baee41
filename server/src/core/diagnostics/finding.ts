import type { DiagnosticCode } from './catalog';

/** A diagnostic before its severity is looked up in the settings. */
export interface Finding {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}
