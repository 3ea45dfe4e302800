// s3:// URLs and S3 client options are validated before any request, with errors naming the URL;
// the SDK's checksum env variables keep working against endpoint overrides.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, parseS3Url, s3ClientConfig, S3Source, toSources } from '../dist/index.js';

describe('parseS3Url', () => {
  it('splits bucket and key', () => {
    expect(parseS3Url('s3://flow-logs', 'prefix')).toEqual({ bucket: 'flow-logs', key: '' });
    expect(parseS3Url('s3://flow-logs/a/AWSLogs/', 'prefix')).toEqual({ bucket: 'flow-logs', key: 'a/AWSLogs/' });
    expect(parseS3Url('s3://my.bucket-1/out/d.log.gz', 'object')).toEqual({
      bucket: 'my.bucket-1',
      key: 'out/d.log.gz',
    });
  });

  it.each([
    ['S3://flow-logs/x', /must start with s3:\/\/ \(lowercase\)/],
    ['s3:///x', /no bucket name/],
    ['s3://ab/x', /bucket name 'ab' must be 3-63 characters/],
    ['s3://Flow_Logs/x', /bucket name 'Flow_Logs'/],
    ['s3://-flow/x', /starting and ending with a letter or digit/],
    ['s3://a..b/x', /must not contain '\.\.'/],
    ['s3://192.168.1.1/x', /must not look like an IP address/],
    ['s3://flow-logs/a\nb', /control character/],
    [`s3://flow-logs/${'k'.repeat(1025)}`, /longer than 1024 bytes/],
  ])('rejects %j, naming it', (url, why) => {
    let err: unknown;
    try {
      parseS3Url(url, 'prefix');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as Error).message).toContain(`'${url}' is not a valid S3 URL`);
    expect((err as Error).message).toMatch(why);
  });

  it('requires an object key, not a folder, for outputs', () => {
    expect(() => parseS3Url('s3://flow-logs', 'object')).toThrow(/no object key/);
    expect(() => parseS3Url('s3://flow-logs/digests/', 'object')).toThrow(/ends with \//);
  });

  it('is applied when inputs become sources', () => {
    expect(toSources(['s3://flow-logs/p'])[0]).toBeInstanceOf(S3Source);
    expect(() => toSources(['s3://x'])).toThrow(InvalidOptionError);
    expect(() => new S3Source('s3://flow-logs', { maxAttempts: 0 })).toThrow(
      /maxAttempts must be an integer from 1 to 20/,
    );
    expect(() => new S3Source('s3://flow-logs', { endpoint: 'ftp://host' })).toThrow(/endpoint must be an http/);
  });
});

describe('s3ClientConfig', () => {
  const endpoint = 'http://127.0.0.1:9000';

  it('against AWS: SDK checksum defaults, region redirects followed, 5 attempts', () => {
    const c = s3ClientConfig({}, {});
    expect(c.endpoint).toBeUndefined();
    expect(c.requestChecksumCalculation).toBeUndefined();
    expect(c.responseChecksumValidation).toBeUndefined();
    expect(c.followRegionRedirects).toBe(true);
    expect(c.maxAttempts).toBe(5);
    expect(c.forcePathStyle).toBe(false);
  });

  it('with an endpoint override: checksums only when required, unless the SDK env variables say otherwise', () => {
    expect(s3ClientConfig({ endpoint }, {})).toMatchObject({
      endpoint,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const c = s3ClientConfig({ endpoint }, { AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_SUPPORTED' });
    expect(c.requestChecksumCalculation).toBeUndefined(); // the SDK reads the env itself
    expect(c.responseChecksumValidation).toBe('WHEN_REQUIRED');
    const d = s3ClientConfig({ endpoint }, { AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_SUPPORTED' });
    expect(d.requestChecksumCalculation).toBe('WHEN_REQUIRED');
    expect(d.responseChecksumValidation).toBeUndefined();
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, unless told to ignore them', () => {
    expect(s3ClientConfig({}, { AWS_ENDPOINT_URL_S3: 'http://s3:1', AWS_ENDPOINT_URL: 'http://all:2' }).endpoint).toBe(
      'http://s3:1',
    );
    expect(s3ClientConfig({}, { AWS_ENDPOINT_URL: 'http://all:2' }).endpoint).toBe('http://all:2');
    expect(s3ClientConfig({ endpoint }, { AWS_ENDPOINT_URL_S3: 'http://s3:1' }).endpoint).toBe(endpoint);
    expect(
      s3ClientConfig({}, { AWS_ENDPOINT_URL_S3: 'http://s3:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).endpoint,
    ).toBeUndefined();
    expect(() => s3ClientConfig({}, { AWS_ENDPOINT_URL_S3: 'http://user:secret@host' })).toThrow(
      /AWS_ENDPOINT_URL_S3 must be an http/,
    );
    expect(() => s3ClientConfig({}, { AWS_ENDPOINT_URL_S3: 'http://user:secret@host' })).not.toThrow(/secret/);
  });

  it('leaves attempts to AWS_MAX_ATTEMPTS when set, and passes path style and region', () => {
    expect(s3ClientConfig({}, { AWS_MAX_ATTEMPTS: '2' }).maxAttempts).toBeUndefined();
    expect(s3ClientConfig({ maxAttempts: 3, forcePathStyle: true, region: 'eu-west-1' }, {})).toMatchObject({
      maxAttempts: 3,
      forcePathStyle: true,
      region: 'eu-west-1',
    });
  });
});
