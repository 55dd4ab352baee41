/**
 * What a Dockerfile says about images, as plain data: the core cannot parse Dockerfiles (it imports
 * only `yaml`), so a front end reads them with dockerfile-ast (engine/dockerfile/read.ts) into this
 * shape, and dockerfile/analysis.ts turns it into an Analysis. Offsets are UTF-16, into the whole text.
 */
import type { Span } from '../span';

/** A word as the parser read it (quotes removed) and the span it is written at (quotes included). */
export interface DockerfileToken {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** `ARG name[=default]` before the first `FROM`: the build arguments a `FROM` can use. */
export interface DockerfileArg {
  readonly name: DockerfileToken;
  /** Null when the ARG has no default (`ARG BASE`). */
  readonly value: DockerfileToken | null;
}

/** Which instruction names the image: `FROM`, `COPY --from=`, or `RUN --mount=…,from=`. */
export type DockerfileImageRole = 'from' | 'copyFrom' | 'mountFrom';

export interface DockerfileImageUse {
  readonly role: DockerfileImageRole;
  /** The 0-based line the instruction starts on. */
  readonly line: number;
  /** The whole instruction. */
  readonly instruction: Span;
  /** `FROM`, the flag name `from` of `--from=`, or the option name `from` of `--mount=`. */
  readonly keyword: DockerfileToken;
  /** As written: a reference, a stage name or index, `scratch`, or with `$` substitutions left in. */
  readonly image: DockerfileToken;
  /** The `AS` name of a `FROM`, or null. */
  readonly stage: string | null;
  /** The `--platform=` value of a `FROM`, or null. */
  readonly platform: string | null;
}

export interface DockerfileSyntax {
  /** The escape character: `\` unless a `# escape=` directive sets `` ` ``. */
  readonly escape: string;
  /** ARG instructions before the first FROM, in order. */
  readonly globalArgs: readonly DockerfileArg[];
  /** Every image use, in order. */
  readonly uses: readonly DockerfileImageUse[];
}

/** Reads a Dockerfile's text; the front end's parser. */
export type DockerfileReader = (text: string) => DockerfileSyntax;
