/**
 * Platforms on the command line (`--platform os/arch[/variant]`) and how one is picked from an
 * index. The rule is the one pinning uses (core/edits/pinEdits.ts `choosePin`): the exact
 * `os/arch/variant` first, else, when no variant was asked for, the first entry with that os and
 * architecture ("linux/arm64" takes "linux/arm64/v8").
 */
import { CliError } from './args';

export interface PlatformName {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const PART = /^[a-z0-9][a-z0-9._-]*$/;

export function formatPlatform(platform: PlatformName): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Parses `os/arch[/variant]` (lower case, as OCI writes them); throws a CliError naming the flag otherwise. */
export function parsePlatformArgument(text: string, flag: string): PlatformName {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((part) => PART.test(part))) {
    throw new CliError(`${flag} expects OS/ARCH or OS/ARCH/VARIANT in lower case, for example linux/amd64 or linux/arm/v7 (got "${text}").`);
  }
  const [os, architecture, variant] = parts;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** The entry of `platforms` that `wanted` (as formatted by formatPlatform) names, or null. */
export function selectPlatform<T extends PlatformName>(platforms: readonly T[], wanted: string): T | null {
  return platforms.find((p) => formatPlatform(p) === wanted) ?? platforms.find((p) => `${p.os}/${p.architecture}` === wanted) ?? null;
}
