/**
 * IR → Dockerfile text (the Prettier model: parse → tree → print). One line per instruction, flags first,
 * comments above, heredoc bodies after; directives on top followed by a blank line, which also stops
 * BuildKit from reading a leading comment as a directive. parse(print(x)) equals x, less positions.
 */
import type { CommandForm, Dockerfile, Flag, Instruction, KeyValue } from './ir';

function printFlag(flag: Flag): string {
  if (flag.value === undefined) return `--${flag.name}`;
  // extractBuilderFlags removes quotes and honours backslash inside a flag word; quote only when needed.
  const value = /[\s"'\\]/.test(flag.value) ? `"${flag.value.replace(/["\\]/g, '\\$&')}"` : flag.value;
  return `--${flag.name}=${value}`;
}

function jsonArray(items: string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}

function printCommand(command: CommandForm): string {
  return command.form === 'exec' ? jsonArray(command.argv) : command.script;
}

function printPairs(pairs: KeyValue[]): string {
  if (pairs.length === 1 && pairs[0].legacy) return `${pairs[0].key} ${pairs[0].value}`;
  return pairs.map((pair) => `${pair.key}=${pair.value}`).join(' ');
}

/** The arguments of an instruction, after keyword and flags. */
function printArguments(instruction: Instruction): string {
  switch (instruction.keyword) {
    case 'FROM':
      return instruction.stageName ? `${instruction.image} AS ${instruction.stageName}` : instruction.image;
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
      return printCommand(instruction.command);
    case 'SHELL':
      return jsonArray(instruction.argv);
    case 'COPY':
    case 'ADD': {
      const all = [...instruction.sources, instruction.destination];
      return instruction.json ? jsonArray(all) : all.join(' ');
    }
    case 'ENV':
    case 'LABEL':
      return printPairs(instruction.pairs);
    case 'ARG':
      return instruction.args.map((arg) => (arg.defaultValue === undefined ? arg.name : `${arg.name}=${arg.defaultValue}`)).join(' ');
    case 'EXPOSE':
      return instruction.ports.join(' ');
    case 'USER':
      return instruction.user;
    case 'WORKDIR':
      return instruction.path;
    case 'STOPSIGNAL':
      return instruction.signal;
    case 'MAINTAINER':
      return instruction.name;
    case 'VOLUME':
      return instruction.json ? jsonArray(instruction.paths) : instruction.paths.join(' ');
    case 'HEALTHCHECK':
      return instruction.test.kind === 'none' ? 'NONE' : `CMD ${printCommand(instruction.test.command)}`;
    case 'ONBUILD':
      return printLine(instruction.trigger);
  }
}

function printLine(instruction: Instruction): string {
  const parts = [instruction.keyword, ...instruction.flags.map(printFlag)];
  const args = printArguments(instruction);
  if (args !== '') parts.push(args);
  return parts.join(' ');
}

function heredocBodies(instruction: Instruction): string {
  const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
  if (target.keyword !== 'RUN' && target.keyword !== 'COPY' && target.keyword !== 'ADD') return '';
  return target.heredocs.map((heredoc) => `${heredoc.content}${heredoc.name}\n`).join('');
}

/** One instruction with its comments and heredoc bodies, newline-terminated. */
export function printInstruction(instruction: Instruction): string {
  const comments = instruction.comments.map((comment) => `# ${comment}\n`).join('');
  return `${comments}${printLine(instruction)}\n${heredocBodies(instruction)}`;
}

export function printDockerfile(dockerfile: Dockerfile): string {
  const blocks: string[] = [];
  if (dockerfile.directives.length > 0) {
    blocks.push(dockerfile.directives.map((directive) => `# ${directive.name}=${directive.value}\n`).join(''));
  }
  if (dockerfile.preamble.length > 0) blocks.push(dockerfile.preamble.map(printInstruction).join(''));
  for (const stage of dockerfile.stages) {
    blocks.push([stage.from, ...stage.instructions].map(printInstruction).join(''));
  }
  const text = blocks.join('\n');
  // With no directives, a first comment shaped like `# key=value` would be read back as one: an empty first
  // line ends BuildKit's directive scan.
  return dockerfile.directives.length === 0 && /^#\s*[a-zA-Z][a-zA-Z0-9]*\s*=/.test(text) ? `\n${text}` : text;
}
