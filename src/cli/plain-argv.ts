/**
 * The command lines Airbyte and Meltano actually send, parsed without yargs: loading yargs costs
 * ≈ 40 ms on every start, and `check`, `discover` and `read` each start a fresh process (in Airbyte,
 * a fresh container). Only the plain forms are taken here: `--name value` or `--name=value` for the
 * known string options, boolean flags bare, each option once (unless it may repeat), every required
 * option present, and values that are not empty and do not start with `-`. Anything else — --help,
 * --version, an unknown, repeated or valueless option, a stray argument — gives `undefined`, and the
 * front door hands the command line to yargs exactly as before, so its help pages and every usage
 * message stay the same. What is returned has the shape of yargs' own result (`_` and the options).
 */

export interface PlainOption {
  name: string;
  kind: 'string' | 'boolean';
  required?: boolean;
  /** Given more than once, the values become a list (as yargs does); otherwise a repeat is not plain. */
  repeatable?: boolean;
}

export type PlainArgs = Record<string, string | string[] | boolean> & { _: string[] };

/** Parses `argv` (options only, no positional arguments), or `undefined` when it is not plain. */
export function parsePlainOptions(argv: readonly string[], options: readonly PlainOption[]): PlainArgs | undefined {
  const byName = new Map(options.map((option) => [option.name, option]));
  const values: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) return undefined;
    const equals = arg.indexOf('=');
    const option = byName.get(arg.slice(2, equals === -1 ? undefined : equals));
    if (!option) return undefined;
    let value: string | boolean;
    if (option.kind === 'boolean') {
      if (equals !== -1) return undefined;
      value = true;
    } else {
      const given = equals === -1 ? argv[(i += 1)] : arg.slice(equals + 1);
      if (given === undefined || given === '' || given.startsWith('-')) return undefined;
      value = given;
    }
    const before = values[option.name];
    if (before === undefined) values[option.name] = value;
    else if (option.repeatable && typeof value === 'string') values[option.name] = [...[before as string | string[]].flat(), value];
    else return undefined;
  }
  if (options.some((option) => option.required && values[option.name] === undefined)) return undefined;
  return { ...values, _: [] };
}

/** `<command> [options]`: the command first, then its options; `undefined` when not plain. */
export function parsePlainCommand(
  argv: readonly string[],
  commands: Readonly<Record<string, readonly PlainOption[]>>,
): PlainArgs | undefined {
  const command = argv[0];
  if (command === undefined || !Object.hasOwn(commands, command)) return undefined;
  const parsed = parsePlainOptions(argv.slice(1), commands[command] as readonly PlainOption[]);
  return parsed && { ...parsed, _: [command] };
}
