// Errors cross thread boundaries as data: errorToData / errorFromData keep class, code, message,
// key, line, field, option, value and reason; a foreign error becomes a WorkerError.
import { expect, it } from 'vitest';
import {
  AbortError,
  CorruptObjectError,
  DigestParseError,
  errorFromData,
  errorToData,
  FlowdigestError,
  FormatError,
  InputError,
  InvalidOptionError,
  MalformedRecordError,
  WorkerError,
} from '../dist/index.js';

const cases: [string, FlowdigestError, new (...a: never[]) => FlowdigestError][] = [
  [
    'MalformedRecordError',
    new MalformedRecordError('bad', { key: 'k.log', line: 7, field: 'bytes' }),
    MalformedRecordError,
  ],
  ['CorruptObjectError', new CorruptObjectError('k.gz', 'unexpected end of file'), CorruptObjectError],
  ['InputError', new InputError('nope', { key: 'x' }), InputError],
  ['InvalidOptionError', new InvalidOptionError('options.threads', 'must be a positive integer'), InvalidOptionError],
  [
    'InvalidOptionError with a value',
    new InvalidOptionError('--top', 'must be an integer from 1 to 1000000000', '0'),
    InvalidOptionError,
  ],
  ['FormatError', new FormatError('no end', { key: 'k', field: 'end' }), FormatError],
  ['DigestParseError', new DigestParseError('not JSON', { key: 'd', line: 2 }), DigestParseError],
  ['AbortError', new AbortError(), AbortError],
  ['WorkerError', new WorkerError('boom', { key: 'k' }), WorkerError],
];

it.each(cases)('%s survives errorToData → structuredClone → errorFromData', (_name, err, cls) => {
  const back = errorFromData(structuredClone(errorToData(err)));
  expect(back).toBeInstanceOf(cls);
  expect(back).toBeInstanceOf(FlowdigestError);
  expect(back).toBeInstanceOf(Error);
  expect(back.name).toBe(err.name);
  expect(back.code).toBe(err.code);
  expect(back.message).toBe(err.message);
  expect(back.key).toBe(err.key);
  expect(back.line).toBe(err.line);
  expect(back.field).toBe(err.field);
  expect(back.option).toBe(err.option);
  expect(back.value).toBe(err.value);
  expect(back.reason).toBe(err.reason);
});

it('turns a non-flowdigest error into a WorkerError with its message', () => {
  const back = errorFromData(errorToData(new TypeError('x is undefined')));
  expect(back).toBeInstanceOf(WorkerError);
  expect(back).toMatchObject({ code: 'FD_ERR_WORKER', message: 'x is undefined' });
});
