/**
 * Which host a registry name talks to, and whether plain HTTP is allowed there.
 * Docker Hub's name "docker.io" is served by "registry-1.docker.io", and its credentials are stored under
 * "https://index.docker.io/v1/". Plain HTTP is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost)
 * and for registries the user lists as insecure (exactly as written, host[:port], or an IPv4 CIDR for literal IPs),
 * as dockerd does.
 * This client never turns TLS verification off: "insecure" only permits falling back to plain HTTP.
 * A build tool's one switch (--tls-verify=false; docker's daemon reads insecure-registries itself)
 * allows both, so tools get it for exactly the hosts where plain HTTP is allowed (toolVerifiesTls).
 */

export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Normalizes a registry name the way reference parsing does ("index.docker.io" → "docker.io"). */
export function normalizeRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase());
}

/** The host[:port] that serves the registry API for a registry name. */
export function apiHost(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_API_HOST : registry.toLowerCase();
}

/** Splits host[:port], including bracketed IPv6 ("[::1]:5000"). The host is returned without brackets. */
export function splitHostPort(hostPort: string): { host: string; port?: number } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    const host = hostPort.slice(1, close < 0 ? undefined : close);
    const rest = close < 0 ? '' : hostPort.slice(close + 1);
    return rest.startsWith(':') ? { host, port: Number(rest.slice(1)) } : { host };
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0 || hostPort.indexOf(':') !== colon) return { host: hostPort };
  return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
}

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const ip = ipv4ToNumber(address);
  const network = ipv4ToNumber(base);
  const bits = Number(bitsText);
  if (ip === undefined || network === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const shift = 32 - bits;
  return Math.floor(ip / 2 ** shift) === Math.floor(network / 2 ** shift);
}

/** True for localhost, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopback(hostPort: string): boolean {
  const { host } = splitHostPort(hostPort.toLowerCase());
  return host === 'localhost' || host === '::1' || inCidr(host, '127.0.0.0/8');
}

/** True when plain HTTP may be used for this host[:port]: loopback, or listed as insecure. */
export function allowsPlainHttp(hostPort: string, insecureRegistries: readonly string[]): boolean {
  const lower = hostPort.toLowerCase();
  if (isLoopback(lower)) return true;
  const { host } = splitHostPort(lower);
  return insecureRegistries.some((entry) => {
    const item = entry
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '');
    if (item.includes('/')) return inCidr(host, item);
    return item === lower || normalizeRegistry(item) === normalizeRegistry(lower);
  });
}

/** Whether a build tool must verify TLS when it pushes to or logs in to this registry: not for loopback or a listed insecure registry. */
export function toolVerifiesTls(registry: string, insecureRegistries: readonly string[]): boolean {
  return !allowsPlainHttp(registry, insecureRegistries);
}

/** host[:port] of a URL as it appears in the Host header (IPv6 keeps its brackets). */
export function hostOf(url: URL): string {
  return url.host.toLowerCase();
}
