/**
 * S3 client construction from options and the environment. Credentials always come from the
 * SDK's default provider chain (env, shared files, SSO, container and instance roles); nothing
 * here reads, stores or logs them.
 *
 * The SDK is imported lazily: loading it costs ≈0.2-0.3 s, which local-only runs should not pay.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { InvalidOptionError } from '../../errors.js';
import { checkInteger } from '../../util/parse.js';
import { REGION_NAME } from '../../util/patterns.js';
import { httpUrl } from '../../util/url.js';

/** How to reach S3 or an S3-compatible store. */
export interface S3ClientOptions {
  /**
   * Endpoint URL for an S3-compatible store (MinIO, s3rver, R2...).
   * @default `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (both ignored when
   * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else AWS itself
   */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key`. @default false */
  forcePathStyle?: boolean;
  /**
   * Region to sign for. Against AWS, requests to a bucket in another region are redirected.
   * @default the SDK's chain (`AWS_REGION`, then the shared config profile), else `us-east-1`
   */
  region?: string;
  /**
   * Attempts per request, the first included; the SDK's standard retry mode backs off
   * exponentially with jitter between them.
   * @default `AWS_MAX_ATTEMPTS` when set, else 5
   */
  maxAttempts?: number;
  /**
   * A profile of the shared AWS files (~/.aws/config, ~/.aws/credentials): its credentials
   * through the SDK's whole chain for a profile (keys, SSO, role_arn, credential_process) and
   * its region. Only the name is held here; nothing reads, stores or logs the credentials.
   * @default `AWS_PROFILE`, else `default`
   */
  profile?: string;
}

/** A profile name as the shared AWS files allow it. */
const PROFILE_NAME = /^[A-Za-z0-9_.@+=,/-]{1,128}$/;

/** The env variables this module reads (the SDK reads others itself). */
type Env = Record<string, string | undefined>;

/** Check the options' types and values; throws InvalidOptionError naming the option. */
export function validateS3ClientOptions(o: unknown, name = 'options.s3'): S3ClientOptions {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') throw new InvalidOptionError(name, 'must be an object');
  const opts = o as S3ClientOptions;
  if (opts.endpoint !== undefined) checkEndpoint(`${name}.endpoint`, opts.endpoint);
  if (opts.forcePathStyle !== undefined && typeof opts.forcePathStyle !== 'boolean') {
    throw new InvalidOptionError(`${name}.forcePathStyle`, 'must be a boolean');
  }
  if (opts.region !== undefined && (typeof opts.region !== 'string' || !REGION_NAME.test(opts.region))) {
    throw new InvalidOptionError(`${name}.region`, 'must be a region name such as us-east-1');
  }
  checkInteger(`${name}.maxAttempts`, opts.maxAttempts, { min: 1, max: 20 });
  if (opts.profile !== undefined && (typeof opts.profile !== 'string' || !PROFILE_NAME.test(opts.profile))) {
    throw new InvalidOptionError(
      `${name}.profile`,
      'must be a profile name of ~/.aws/config (letters, digits, _ . - @ + = , /)',
    );
  }
  return opts;
}

function checkEndpoint(name: string, value: unknown): string {
  const url = httpUrl(value);
  if (url === undefined) {
    // The value is not echoed: a mistyped endpoint could carry credentials in its userinfo.
    throw new InvalidOptionError(name, 'must be an http:// or https:// URL without credentials');
  }
  return value as string;
}

/**
 * The SDK client configuration for `options` and `env`, without importing the SDK. `region` is
 * left out when not given, for {@link createS3Client} to resolve.
 *
 * Against an endpoint override, `requestChecksumCalculation` and `responseChecksumValidation`
 * are set to `WHEN_REQUIRED` — each only when its env variable (`AWS_REQUEST_CHECKSUM_CALCULATION`,
 * `AWS_RESPONSE_CHECKSUM_VALIDATION`) is absent, so the SDK's own setting still wins. Many
 * S3-compatible stores (s3rver included) store the SDK's default aws-chunked checksum framing as
 * part of the object. Against AWS the SDK defaults stand.
 */
export function s3ClientConfig(options: S3ClientOptions = {}, env: Env = process.env): S3ClientConfig {
  const o = validateS3ClientOptions(options);
  const useEnvEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true';
  let endpoint = o.endpoint;
  if (endpoint === undefined && useEnvEndpoints) {
    for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
      const value = env[name];
      if (value) {
        endpoint = checkEndpoint(name, value);
        break;
      }
    }
  }
  const config: S3ClientConfig = {
    forcePathStyle: o.forcePathStyle ?? false,
    // A stalled connection fails (and is retried) instead of hanging the run; the socket
    // timeout counts inactivity, so large downloads are not cut short.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000 },
  };
  const maxAttempts = o.maxAttempts ?? (env.AWS_MAX_ATTEMPTS ? undefined : 5);
  if (maxAttempts !== undefined) config.maxAttempts = maxAttempts;
  if (o.region !== undefined) config.region = o.region;
  if (o.profile !== undefined) config.profile = o.profile;
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    if (!env.AWS_REQUEST_CHECKSUM_CALCULATION) config.requestChecksumCalculation = 'WHEN_REQUIRED';
    if (!env.AWS_RESPONSE_CHECKSUM_VALIDATION) config.responseChecksumValidation = 'WHEN_REQUIRED';
  } else {
    // With the us-east-1 fallback, a bucket elsewhere answers 301; follow it to the right region.
    config.followRegionRedirects = true;
  }
  return config;
}

/** Build an S3 client for `options` (see {@link s3ClientConfig}). */
export async function createS3Client(options: S3ClientOptions = {}): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const config = s3ClientConfig(options);
  if (config.region === undefined) {
    // Ask the SDK's own region chain; only when it has nothing fall back to us-east-1.
    const probe = new S3Client(config.profile === undefined ? {} : { profile: config.profile });
    try {
      config.region = await probe.config.region();
    } catch {
      config.region = 'us-east-1';
    } finally {
      probe.destroy();
    }
  }
  return new S3Client(config);
}
