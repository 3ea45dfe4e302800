/** A bench's flags: Node's parseArgs, strict, with the usage line on a mistake (exit 2) and on --help (exit 0). */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>
>['values'];

/** The flags of `process.argv` by `options` (no positionals); `--help` / `-h` prints `usage`. */
export function benchFlags<O extends Options>(usage: string, options: O): Values<O> {
  let values: Values<O> & { help?: boolean };
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }).values as Values<O> & { help?: boolean };
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
