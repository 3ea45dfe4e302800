/** The S3 options of commands that read or write `s3://` URLs (S3_OPTIONS in cli/options.ts), and their checks. */
import type { S3ClientOptions } from '../sources/s3/client.js';
import { validateS3ClientOptions } from '../sources/s3/client.js';
import { isS3Url, parseS3Url } from '../sources/s3/url.js';
import { REGION_NAME } from '../util/patterns.js';
import { httpUrl } from '../util/url.js';
import { usage, UsageError } from './args.js';

/** The S3 values parsed from the command line. */
export interface S3Values {
  endpoint?: string;
  pathStyle?: boolean;
  s3Region?: string;
  profile?: string;
}

/** Client options from the S3 options (the env is read later, by the client; AWS_PROFILE by the SDK). */
export function s3Options(values: S3Values, command: string): S3ClientOptions {
  const options: S3ClientOptions = {};
  if (values.endpoint !== undefined) {
    // Not echoed: a mistyped endpoint may carry credentials in its userinfo.
    if (httpUrl(values.endpoint) === undefined) {
      throw UsageError.of(
        {
          option: '--endpoint',
          reason: 'must be an http:// or https:// URL without credentials (e.g. http://localhost:9000)',
        },
        command,
      );
    }
    options.endpoint = values.endpoint;
  }
  if (values.pathStyle === true) options.forcePathStyle = true;
  if (values.s3Region !== undefined) {
    if (!REGION_NAME.test(values.s3Region))
      throw UsageError.of(
        { option: '--s3-region', reason: 'is not a region name (e.g. eu-west-1)', value: values.s3Region },
        command,
      );
    options.region = values.s3Region;
  }
  if (values.profile !== undefined) {
    // The name only: the SDK resolves the profile's credentials and never hands them to us.
    options.profile = values.profile;
    try {
      validateS3ClientOptions({ profile: values.profile }, 's3');
    } catch {
      throw UsageError.of(
        {
          option: '--profile',
          reason: 'is not a profile name (letters, digits, _ . - @ + = , /)',
          value: values.profile,
        },
        command,
      );
    }
  }
  // The SDK warns on stderr that its releases after January 2027 need Node 22: nothing a user of
  // this command can act on mid-run, and it would land among the run's own messages. Setting the
  // variable to anything else keeps the warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return options;
}

/** Check every `s3://` input and the output before any work starts; a bad one is a usage error. */
export function checkS3Urls(inputs: readonly string[], output: string | undefined, command: string): void {
  usage(command, () => {
    for (const input of inputs) if (isS3Url(input)) parseS3Url(input, 'prefix');
    if (output !== undefined && isS3Url(output)) parseS3Url(output, 'object');
  });
}
