/**
 * Input patterns that more than one module checks against: one definition each, so the CLI, the
 * library and the service accept the same names. None has the `g` flag, so `test` keeps no state.
 */

/** The scheme of an S3 URL, in any case (so `S3://x` gets a clear error rather than being read as a local path). */
export const S3_URL = /^s3:\/\//i;

/**
 * A region name as an S3 client accepts it: lower-case letters, digits and dashes, up to 63.
 * Looser than AWS's own names, because S3-compatible stores use names of their own.
 */
export const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An AWS region as flow-log keys carry it: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`. */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A name that travels as one URL path segment unescaped: 1-128 letters, digits, or `. _ ~ -`. */
export const URL_SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;

/** What a value that fails {@link URL_SEGMENT} must be, for its error. */
export const URL_SEGMENT_RULE = 'must be 1-128 letters, digits, or . _ ~ -';

/** A bearer token: at least 16 printable ASCII characters, no spaces. */
export const BEARER_TOKEN = /^[\x21-\x7e]{16,}$/;

/** What a value that fails {@link BEARER_TOKEN} must be, for its error (which never echoes the value). */
export const BEARER_TOKEN_RULE = 'must be at least 16 printable characters without spaces';

/** A port number from 0 to 65535, in decimal. */
export function isPort(value: string): boolean {
  return /^\d{1,5}$/.test(value) && Number(value) <= 65535;
}
