/**
 * BuildKit syntax tree → typed IR, with the checks of BuildKit's typed layer (instructions/parse.go):
 * known instructions, flags per instruction, arity, stage names, ONBUILD triggers, HEALTHCHECK options.
 * Problems are collected rather than thrown so a caller (the printer's round-trip tests, the linter) can
 * still see the rest; `parseDockerfile` in strict mode turns the first one into an error.
 */
import { boolFlag, listFlag, parseFlags, parseGoDuration, stringFlag } from './flags';
import type {
  ArgInstruction, CommandForm, Dockerfile, FromInstruction, Instruction, InstructionRange, KeyValue, Keyword,
  MountSpec, Problem, Stage,
} from './ir';
import { parseMount } from './mount';
import type { EscapeChar, SyntaxNode, SyntaxTree } from './syntax';
import { EMPTY_EXPANSION_ENV, expandWord } from '../expand';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export interface TypedResult {
  dockerfile: Dockerfile;
  problems: Problem[];
}

class ProblemSink {
  readonly problems: Problem[] = [];

  add(node: SyntaxNode, message: string, column = 1): void {
    this.problems.push({ message, line: node.startLine, column });
  }
}

function commandForm(node: SyntaxNode, args: string[]): CommandForm {
  return node.json ? { form: 'exec', argv: args } : { form: 'shell', script: args[0] ?? '' };
}

function keyValues(args: string[]): KeyValue[] {
  const pairs: KeyValue[] = [];
  for (let i = 0; i + 2 < args.length; i += 3) {
    pairs.push({ key: args[i], value: args[i + 1], legacy: args[i + 2] === '' });
  }
  return pairs;
}

/**
 * `COPY --from=$X` is rejected by BuildKit: it expands the value with no variables set and refuses it when
 * that changes anything, so quotes and escapes are refused too.
 */
function changesWhenExpanded(text: string, escape: EscapeChar): boolean {
  try {
    return expandWord(text, EMPTY_EXPANSION_ENV, { escape }) !== text;
  } catch {
    return true;
  }
}

function toInstruction(node: SyntaxNode, escape: EscapeChar, sink: ProblemSink): Instruction | undefined {
  const position = node.position;
  const keyword = node.keyword.toUpperCase() as Keyword;
  const flagColumn = (name?: string): number => (name && position?.flagColumns.get(name)) || position?.keywordColumn || 1;
  const { flags, problems } = parseFlags(keyword, node.flags);
  for (const problem of problems) sink.add(node, problem.message, flagColumn(problem.flag));
  const range: InstructionRange = {
    startLine: node.startLine,
    endLine: node.endLine,
    startColumn: position?.keywordColumn ?? 1,
    endColumn: position && position.endLine === node.endLine ? position.endColumn : 1,
  };
  const base = { flags, original: node.original, comments: node.comments, range };
  const args = node.args;
  const requireAtLeast = (count: number, what = 'argument'): boolean => {
    if (args.length >= count) return true;
    sink.add(node, count === 1 ? `${keyword} requires at least one ${what}` : `${keyword} requires at least ${count} arguments`, range.startColumn);
    return false;
  };
  const requireExactlyOne = (): boolean => {
    if (args.length === 1) return true;
    sink.add(node, `${keyword} requires exactly one argument`, range.startColumn);
    return false;
  };

  switch (keyword) {
    case 'FROM': {
      const isAlias = args.length === 3 && args[1].toLowerCase() === 'as';
      if (!(args.length === 1 || isAlias)) {
        sink.add(node, 'FROM requires either one or three arguments', range.startColumn);
        if (args.length === 0) return undefined;
      }
      const from: FromInstruction = { keyword, ...base, image: args[0] };
      if (isAlias) {
        from.stageName = args[2];
        if (!STAGE_NAME.test(args[2].toLowerCase())) {
          sink.add(node, `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`, range.startColumn);
        }
      }
      const platform = stringFlag(flags, 'platform');
      if (platform !== undefined) from.platform = platform;
      return from;
    }
    case 'RUN': {
      if (!node.json) requireAtLeast(1);
      const mounts: MountSpec[] = [];
      for (const value of listFlag(flags, 'mount')) {
        const { mount, problem } = parseMount(value);
        if (problem) sink.add(node, problem, flagColumn('mount'));
        if (mount) mounts.push(mount);
      }
      const network = stringFlag(flags, 'network');
      if (network !== undefined && !['default', 'none', 'host'].includes(network)) {
        sink.add(node, `unsupported network mode "${network}"`, flagColumn('network'));
      }
      const security = stringFlag(flags, 'security');
      if (security !== undefined && !['sandbox', 'insecure'].includes(security)) {
        sink.add(node, `unsupported security mode "${security}"`, flagColumn('security'));
      }
      return { keyword, ...base, command: commandForm(node, args), mounts, network, security, heredocs: node.heredocs };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { keyword, ...base, command: commandForm(node, args) };
    case 'SHELL':
      if (!node.json) {
        sink.add(node, 'SHELL requires the arguments to be in JSON form', range.startColumn);
        return undefined;
      }
      requireAtLeast(1);
      return { keyword, ...base, argv: args };
    case 'COPY':
    case 'ADD': {
      if (!requireAtLeast(2)) {
        if (args.length === 0) return undefined;
      }
      const destination = args[args.length - 1];
      if (destination.startsWith('<<') && node.heredocs.some((h) => destination.endsWith(h.name))) {
        sink.add(node, 'cannot accept a heredoc as a destination', range.startColumn);
      }
      const common = {
        sources: args.slice(0, -1),
        destination,
        json: node.json,
        chown: stringFlag(flags, 'chown'),
        chmod: stringFlag(flags, 'chmod'),
        link: boolFlag(flags, 'link') ?? false,
        exclude: listFlag(flags, 'exclude'),
        heredocs: node.heredocs,
      };
      if (keyword === 'COPY') {
        const from = stringFlag(flags, 'from');
        if (from !== undefined && changesWhenExpanded(from, escape)) {
          sink.add(
            node,
            'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
            flagColumn('from'),
          );
        }
        return { keyword, ...base, ...common, from, parents: boolFlag(flags, 'parents') ?? false };
      }
      return {
        keyword, ...base, ...common,
        checksum: stringFlag(flags, 'checksum'),
        keepGitDir: boolFlag(flags, 'keep-git-dir') ?? false,
        unpack: boolFlag(flags, 'unpack'),
      };
    }
    case 'ENV':
    case 'LABEL':
      if (!requireAtLeast(1)) return undefined;
      return { keyword, ...base, pairs: keyValues(args) };
    case 'ARG': {
      if (!requireAtLeast(1)) return undefined;
      const declarations = args.map((word) => {
        const eq = word.indexOf('=');
        return eq === -1 ? { name: word } : { name: word.slice(0, eq), defaultValue: word.slice(eq + 1) };
      });
      return { keyword, ...base, args: declarations };
    }
    case 'EXPOSE':
      if (!requireAtLeast(1)) return undefined;
      return { keyword, ...base, ports: args };
    case 'USER':
      if (!requireExactlyOne()) return undefined;
      return { keyword, ...base, user: args[0] };
    case 'WORKDIR':
      if (!requireExactlyOne()) return undefined;
      return { keyword, ...base, path: args[0] };
    case 'STOPSIGNAL':
      if (!requireExactlyOne()) return undefined;
      return { keyword, ...base, signal: args[0] };
    case 'MAINTAINER':
      if (!requireExactlyOne()) return undefined;
      return { keyword, ...base, name: args[0] };
    case 'VOLUME':
      if (!requireAtLeast(1)) return undefined;
      return { keyword, ...base, paths: args, json: node.json };
    case 'HEALTHCHECK':
      return healthcheck(node, sink, base, flagColumn);
    case 'ONBUILD': {
      if (!node.child) {
        sink.add(node, 'ONBUILD requires at least one argument', range.startColumn);
        return undefined;
      }
      const childKeyword = node.child.keyword.toUpperCase();
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(childKeyword)) {
        sink.add(node, `${childKeyword} isn't allowed as an ONBUILD trigger`, range.startColumn);
        return undefined;
      }
      const trigger = toInstruction(node.child, escape, sink);
      if (!trigger) return undefined;
      trigger.range = range;
      return { keyword, ...base, trigger };
    }
    default:
      sink.add(node, `unknown instruction: ${node.keyword.toUpperCase()}`, range.startColumn);
      return undefined;
  }
}

function healthcheck(
  node: SyntaxNode,
  sink: ProblemSink,
  base: Omit<Instruction, 'keyword'>,
  flagColumn: (name?: string) => number,
): Instruction | undefined {
  const [kind, ...rest] = node.args;
  const upper = (kind ?? '').toUpperCase();
  if (upper === 'NONE') {
    if (rest.length > 0 || node.flags.length > 0) sink.add(node, 'HEALTHCHECK NONE takes no arguments', base.range.startColumn);
    return { keyword: 'HEALTHCHECK', ...base, test: { kind: 'none' } };
  }
  if (upper !== 'CMD') {
    sink.add(node, kind ? `Unknown type "${kind}" in HEALTHCHECK (try CMD)` : 'HEALTHCHECK requires an argument', base.range.startColumn);
    return undefined;
  }
  if (!node.json && rest.length === 0) {
    sink.add(node, 'Missing command after HEALTHCHECK CMD', base.range.startColumn);
    return undefined;
  }
  const result: Instruction = {
    keyword: 'HEALTHCHECK',
    ...base,
    test: { kind: 'cmd', command: node.json ? { form: 'exec', argv: rest } : { form: 'shell', script: rest[0] } },
  };
  const durations: [string, 'interval' | 'timeout' | 'startPeriod' | 'startInterval'][] = [
    ['interval', 'interval'], ['timeout', 'timeout'], ['start-period', 'startPeriod'], ['start-interval', 'startInterval'],
  ];
  for (const [flag, field] of durations) {
    const value = stringFlag(base.flags, flag);
    if (value === undefined) continue;
    const ms = parseGoDuration(value);
    if (ms === undefined) sink.add(node, `time: invalid duration "${value}"`, flagColumn(flag));
    else if (ms !== 0 && ms < 1) sink.add(node, `Interval "${flag}" cannot be less than 1ms`, flagColumn(flag));
    result[field] = value;
  }
  const retries = stringFlag(base.flags, 'retries');
  if (retries !== undefined) {
    if (!/^-?\d+$/.test(retries)) sink.add(node, `strconv.ParseInt: parsing "${retries}": invalid syntax`, flagColumn('retries'));
    else if (Number(retries) < 0) sink.add(node, '--retries cannot be negative', flagColumn('retries'));
    result.retries = Number(retries);
  }
  return result;
}

export function buildDockerfile(tree: SyntaxTree, file?: string): TypedResult {
  const sink = new ProblemSink();
  const globalArgs: ArgInstruction[] = [];
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const node of tree.nodes) {
    const instruction = toInstruction(node, tree.escape, sink);
    if (!instruction) continue;
    if (instruction.keyword === 'FROM') {
      const stage: Stage = { index: stages.length, from: instruction, instructions: [] };
      if (instruction.stageName) {
        const name = instruction.stageName.toLowerCase();
        // A repeated name is not an error for BuildKit, only its DuplicateStageName check: the later stage
        // takes the name (dockerfile2llb `dispatchStates.addState`).
        stage.name = name;
      }
      stages.push(stage);
    } else if (stages.length === 0) {
      preamble.push(instruction);
      if (instruction.keyword === 'ARG') globalArgs.push(instruction);
      else sink.add(node, `no build stage in current context (${instruction.keyword} before the first FROM)`, instruction.range.startColumn);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (stages.length === 0 && sink.problems.length === 0) {
    sink.problems.push({ message: 'no build stage in the Dockerfile (a FROM instruction is required)', line: 1, column: 1 });
  }
  const warnings = tree.warnings.map((warning) => ({ message: warning.message, line: warning.line, column: 1 }));
  return {
    dockerfile: { file, directives: tree.directives, escape: tree.escape, globalArgs, preamble, stages, warnings },
    problems: sink.problems,
  };
}
