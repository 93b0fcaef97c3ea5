/**
 * A small Dockerfile reader for the instructions our Dockerfile uses (FROM, ARG, ENV, WORKDIR, COPY, RUN,
 * USER, ENTRYPOINT, CMD, LABEL). There is no Docker engine on the test machines, so the image is checked
 * by reading its recipe; this parser is strict enough to fail on anything it does not understand.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

const KNOWN = new Set(['FROM', 'ARG', 'ENV', 'WORKDIR', 'COPY', 'RUN', 'USER', 'ENTRYPOINT', 'CMD', 'LABEL']);

/** Joins `\` continuations, drops comments and blank lines. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const result: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const body = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { text: `${pending.text} ${body}`.trim(), line: pending.line } : { text: body, line: index + 1 };
    if (!continued) {
      result.push(pending);
      pending = undefined;
    }
  });
  if (pending) throw new Error(`Dockerfile line ${pending.line}: continuation at end of file`);
  return result;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(lineText);
    if (!match) throw new Error(`Dockerfile line ${line}: cannot read ${JSON.stringify(lineText)}`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (!KNOWN.has(keyword)) throw new Error(`Dockerfile line ${line}: instruction ${keyword} is not understood by this parser`);
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${line}: cannot read FROM ${args}`);
      stages.push({ base: from[1]!, name: from[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${line}: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword, args, line });
  }
  return stages;
}

export function readDockerfile(path: string): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return JSON.parse(value) as string;
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/** `k=v k2="v 2"` (ENV, LABEL); also the legacy one-pair form `ENV key value`. */
export function parseKeyValues(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!/^[^\s=]+=/.test(args)) {
    const legacy = /^(\S+)\s+(.*)$/.exec(args);
    if (!legacy) throw new Error(`cannot read key-value pairs from ${JSON.stringify(args)}`);
    pairs[legacy[1]!] = unquote(legacy[2]!.trim());
    return pairs;
  }
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/gy;
  let consumed = 0;
  for (let match = pattern.exec(args); match; match = pattern.exec(args)) {
    pairs[match[1]!] = unquote(match[2]!);
    consumed = pattern.lastIndex;
  }
  if (consumed !== args.length) throw new Error(`cannot read key-value pairs from ${JSON.stringify(args)}`);
  return pairs;
}

/** ENTRYPOINT/CMD exec form (a JSON array of strings); the shell form returns undefined. */
export function parseExecForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`exec form must be a JSON array of strings: ${args}`);
  }
  return parsed;
}

export interface CopyInstruction {
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): CopyInstruction {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    const fromFlag = /^--from=(.+)$/.exec(flag);
    if (fromFlag) from = fromFlag[1];
    else if (!/^--(chown|chmod|link)(=.*)?$/.test(flag)) throw new Error(`COPY flag ${flag} is not understood by this parser`);
  }
  if (words.length < 2 || words[0]!.startsWith('[')) throw new Error(`cannot read COPY ${args}`);
  return { from, sources: words.slice(0, -1), destination: words.at(-1)! };
}

/** The stage's instructions of one kind, in order. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** The working directory in effect at each instruction (WORKDIR may be relative to the previous one). */
export function workdirAt(stage: Stage, instruction: Instruction): string {
  let workdir = '/';
  for (const current of stage.instructions) {
    if (current === instruction) return workdir;
    if (current.keyword === 'WORKDIR') workdir = posix.resolve(workdir, unquote(current.args));
  }
  return workdir;
}

/** ENV values of a stage after all its ENV instructions. */
export function envOf(stage: Stage): Record<string, string> {
  return Object.assign({}, ...instructionsOf(stage, 'ENV').map((env) => parseKeyValues(env.args))) as Record<string, string>;
}

/** LABEL values of a stage after all its LABEL instructions. */
export function labelsOf(stage: Stage): Record<string, string> {
  return Object.assign({}, ...instructionsOf(stage, 'LABEL').map((label) => parseKeyValues(label.args))) as Record<string, string>;
}
