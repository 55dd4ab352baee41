/**
 * The places a Dockerfile names images. None has a pull policy: whether a build uses an image the
 * builder already has or asks the registry is the builder's choice, not the Dockerfile's.
 */
import { imageLocation } from '../manifest/locations';
import type { ImageLocation } from '../manifest/locations';
import type { DockerfileImageRole } from './syntax';

const NO_PULL_POLICY =
  'A Dockerfile has no pull policy: whether a build uses the copy the builder has or asks the registry is the ' +
  "builder's choice (`docker build --pull` always asks), so only a digest makes every build start from the same bytes.";

function buildLocation(label: string, imageKey: string, what: string): ImageLocation {
  return imageLocation({ role: 'image', label, imageKey, policyKey: null, policy: null, note: `${what} ${NO_PULL_POLICY}`, runner: 'builds' });
}

export const DOCKERFILE_LOCATIONS: Readonly<Record<DockerfileImageRole, ImageLocation>> = {
  from: buildLocation('base image', 'FROM', 'The stage starts from this image.'),
  copyFrom: buildLocation('COPY --from image', '--from', '`COPY --from` copies files out of this image.'),
  mountFrom: buildLocation('RUN --mount image', 'from', '`RUN --mount` mounts files of this image while the command runs.'),
};

/** What the instruction of each role is called. */
export const INSTRUCTIONS: Readonly<Record<DockerfileImageRole, string>> = { from: 'FROM', copyFrom: 'COPY --from', mountFrom: 'RUN --mount' };

/** What the records of a Dockerfile belong to. */
export const DOCKERFILE_KIND = 'Dockerfile';
