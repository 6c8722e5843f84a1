#!/usr/bin/env node
/**
 * The `scratchify` command: a thin layer over the library. Every user-caused failure prints one line
 * (`file:line:col: message`) and exits 2; `--debug` adds the stack trace.
 */
import { Command, CommanderError, Option } from 'commander';
import { isScratchifyError } from '../errors';
import { runStages } from './commands/stages';
import { collect } from './inputs';
import { VERSION } from '../version';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

function program(): Command {
  const cli = new Command('scratchify')
    .description('Rewrite fat multi-stage Dockerfiles into FROM-scratch images that keep only what the program needs at run time.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchify stages                          # the stage graph of ./Dockerfile
  $ scratchify stages app/Dockerfile --target build --build-arg VERSION=1.2
  $ scratchify stages --json | jq .contract    # the final stage's runtime contract

Exit codes: 0 success, 1 findings at or above the threshold (lint), 2 usage or input error.`,
    )
    .exitOverride();

  cli
    .command('stages')
    .description("show the stage graph, what the target needs, and the final stage's runtime contract")
    .argument('[dockerfile]', 'path to the Dockerfile, or - for standard input', 'Dockerfile')
    .option('--target <stage>', 'target stage name or index (default: the last stage)')
    .addOption(new Option('--build-arg <name=value>', 'set a build argument (repeatable)').argParser(collect).default([]))
    .option('--platform <os/arch>', 'target platform for the predefined platform ARGs (default: this machine)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchify stages Dockerfile
  $ scratchify stages --target build --build-arg GO_VERSION=1.22 --json`,
    )
    .action((dockerfile: string, options: { target?: string; buildArg: string[]; platform?: string; json?: boolean }) => {
      process.stdout.write(runStages(dockerfile, options));
    });

  return cli;
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  const debug = argv.includes('--debug');
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else it has already printed in one line.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isScratchifyError(error)) {
      process.stderr.write(`scratchify: ${error.format()}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`scratchify: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
