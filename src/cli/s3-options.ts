/** The S3 flags of commands that read or write `s3://` URLs, and their checks. */
import { InvalidOptionError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { isS3Url, parseS3Url } from '../sources/s3/url.js';
import { REGION_NAME } from '../util/patterns.js';
import { UsageError } from './args.js';
import { httpUrl } from '../util/url.js';

/** parseArgs options: `--endpoint URL`, `--path-style`, `--s3-region R`. */
export const S3_FLAGS = {
  endpoint: { type: 'string' },
  'path-style': { type: 'boolean' },
  's3-region': { type: 'string' },
} as const;

/** Client options from the S3 flags (the env is read later, by the client). */
export function s3Options(
  values: { endpoint?: string; 'path-style'?: boolean; 's3-region'?: string },
  command: string,
): S3ClientOptions {
  const options: S3ClientOptions = {};
  if (values.endpoint !== undefined) {
    // Not echoed: a mistyped endpoint may carry credentials in its userinfo.
    const url = httpUrl(values.endpoint);
    if (url === undefined) {
      throw new UsageError(
        '--endpoint must be an http:// or https:// URL without credentials (e.g. http://localhost:9000)',
        command,
      );
    }
    options.endpoint = values.endpoint;
  }
  if (values['path-style'] === true) options.forcePathStyle = true;
  if (values['s3-region'] !== undefined) {
    if (!REGION_NAME.test(values['s3-region']))
      throw new UsageError(`--s3-region '${values['s3-region']}' is not a region name (e.g. eu-west-1)`, command);
    options.region = values['s3-region'];
  }
  // The SDK warns on stderr that its releases after January 2027 need Node 22: nothing a user of
  // this command can act on mid-run, and it would land among the run's own messages. Setting the
  // variable to anything else keeps the warning.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return options;
}

/** Check every `s3://` input and the output before any work starts; a bad one is a usage error. */
export function checkS3Urls(inputs: readonly string[], output: string | undefined, command: string): void {
  try {
    for (const input of inputs) if (isS3Url(input)) parseS3Url(input, 'prefix');
    if (output !== undefined && isS3Url(output)) parseS3Url(output, 'object');
  } catch (err) {
    if (err instanceof InvalidOptionError) throw new UsageError(err.message, command);
    throw err;
  }
}
