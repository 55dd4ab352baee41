/**
 * Extra CA certificates per registry: a PEM file named for host[:port], or else for the bare host, is read once
 * per client and trusted besides Node's own roots for that host only. An unreadable file is a TLS error that names
 * the file, never its bytes.
 */
import { readFileSync } from 'node:fs';
import { RegistryError } from './errors';
import { hostOf } from './hosts';

export class CaFiles {
  /** host[:port] → the PEM read for it, or undefined when it has no CA file. */
  private readonly read = new Map<string, string | undefined>();

  /** `files`: host[:port] (or host) → path of a PEM file. */
  constructor(private readonly files: Readonly<Record<string, string>>) {}

  /** The extra CA certificates (PEM) for the host of `url`, if it has any. */
  for(url: URL): string | undefined {
    const host = hostOf(url);
    if (this.read.has(host)) return this.read.get(host);
    const file = this.files[host] ?? this.files[url.hostname];
    let pem: string | undefined;
    if (file !== undefined) {
      try {
        pem = readFileSync(file, 'utf8');
      } catch (error) {
        const why = (error as { code?: string }).code ?? error;
        throw new RegistryError({ code: 'TLS', registry: host, message: `the CA file ${file} for ${host} cannot be read: ${why}`, temporary: false });
      }
    }
    this.read.set(host, pem);
    return pem;
  }
}
