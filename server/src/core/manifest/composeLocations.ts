/**
 * Where a Compose file names images: each service's `image`, with its `pull_policy` (the Compose
 * specification, services). A Compose file has no apiVersion or kind: it is recognised by its name
 * (`compose.yaml`, `docker-compose.yml`, and overrides such as `docker-compose.override.yml`), and this
 * scope is used for it instead of the location table.
 */
import { COMPOSE_BUILD_RULE, COMPOSE_RULE } from '../policy/pullPolicy';
import type { ImageLocation } from './locations';
import { fieldRule, imageLocation, scope } from './locations';

/** `compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`, and `(docker-)compose.<anything>.y(a)ml`. */
const COMPOSE_FILE = /(^|[\\/])(docker-)?compose(\.[^\\/]+)?\.ya?ml$/;

export function isComposeFile(fileName: string): boolean {
  return COMPOSE_FILE.test(fileName);
}

const NOTE =
  'Docker Compose pulls with your own credentials (docker login), not with pull secrets; ' +
  '`${VAR}` and `${VAR:-default}` are filled in from the environment and the .env file before anything is pulled.';

function composeService(label: string, policy: ImageLocation['policy'], note: string): ImageLocation {
  return imageLocation({ role: 'image', label, policyKey: 'pull_policy', policy, note, runner: 'containers' });
}

export const COMPOSE_SERVICE = composeService('Compose service', COMPOSE_RULE, NOTE);
export const COMPOSE_BUILT_SERVICE = composeService(
  'Compose service',
  COMPOSE_BUILD_RULE,
  `The service has a build section, so by default Compose builds the image and tags it with this name rather than pulling it. ${NOTE}`,
);

/** Every service of the file: a `build` section makes it another place, with another default policy. */
export const COMPOSE_SCOPE = scope('', {
  fields: [{ ...fieldRule('services.*', COMPOSE_SERVICE), withKey: { key: 'build', location: COMPOSE_BUILT_SERVICE } }],
});

/** The keys whose values a Compose file's analysis reads (the fast parser decodes their block scalars). */
export const COMPOSE_DECODED_KEYS: ReadonlySet<string> = new Set(['image', 'pull_policy']);

/** What the records of a Compose file belong to. */
export const COMPOSE_KIND = 'Compose file';
