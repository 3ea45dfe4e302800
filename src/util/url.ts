/** URLs from configuration, checked once. */

/**
 * `value` as an http(s) URL without userinfo, else undefined. Callers refuse without echoing
 * the value: a mistyped URL may carry a credential in its userinfo.
 */
export function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.username === '' && url.password === '' ? url : undefined;
}
