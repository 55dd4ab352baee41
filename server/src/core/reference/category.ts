/** The error categories of distribution/reference and go-digest, by their upstream messages. */
export type ReferenceErrorCategory =
  | 'invalid reference format'
  | 'repository name must be lowercase'
  | 'repository name must not be more than 255 characters'
  | 'cannot specify 64-byte hexadecimal strings'
  | 'invalid checksum digest format'
  | 'invalid checksum digest length'
  | 'unsupported digest algorithm';
