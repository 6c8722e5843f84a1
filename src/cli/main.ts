#!/usr/bin/env node
/**
 * The `scratchify` command: a thin layer over the library. Every user-caused failure prints one line
 * (`file:line:col: message`) and exits 2; `--debug` adds the stack trace. Messages can quote an image's names or
 * a Dockerfile's bytes, so what goes to the terminal passes through `printable` (src/format/printable.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { isScratchifyError } from '../errors';
import { printable } from '../format/printable';
import type { ImageInputOptions } from './commands/analyze';
import type { LintCommandOptions } from './commands/lint';
import type { SlimCommandOptions } from './commands/slim';
import type { VerifyCommandOptions } from './commands/verify';
import { collect } from './inputs';
import { VERSION } from '../version';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Each line of `text` made printable: a message stays the lines it was written as, and gains none. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/**
 * The command modules load when their command runs: together they pull in the Dockerfile parser, the shell
 * grammar, the lint rules and the image readers (~250 ms), which `--help`, `--version` or another command do
 * not need.
 */
function program(): Command {
  const cli = new Command('scratchify')
    .description('Rewrite fat multi-stage Dockerfiles into FROM-scratch images that keep only what the program needs at run time.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ scratchify slim Dockerfile -o Dockerfile.slim  # build, analyze and write the FROM-scratch Dockerfile
  $ scratchify stages                          # the stage graph of ./Dockerfile
  $ scratchify stages app/Dockerfile --target build --build-arg VERSION=1.2
  $ scratchify stages --json | jq .contract    # the final stage's runtime contract
  $ scratchify lint --format sarif -o scratchify.sarif   # fat-image findings for code scanning
  $ scratchify verify Dockerfile --probe probe.json   # run the probe on the fat and the slim image

Exit codes: 0 success, 1 findings at or above the threshold (lint) or a slim image that differs (verify),
2 usage or input error, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (temporary files removed).`,
    )
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(printableLines(text)) });

  cli
    .command('slim')
    .description('write a Dockerfile whose final stage is FROM scratch with only what the program needs')
    .argument('[dockerfile]', 'path to the Dockerfile, or - for standard input', 'Dockerfile')
    .option('--image-archive <file>', 'analyze this saved image of the target (docker save, OCI archive or layout)')
    .option('--image <ref>', "analyze this image from the local engine (saved with the engine's save command)")
    .option('--build', 'build the target first with the engine found (docker, podman or buildah)')
    .option('--target <stage>', 'target stage (default: the last stage)')
    .addOption(new Option('--build-arg <name=value>', 'build argument (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--keep <glob>', 'also keep image paths matching this glob (repeatable)').argParser(collect).default([]))
    .option('-o, --output <file>', 'write the Dockerfile here instead of standard output (-: standard output)')
    .option('--report <file.json>', 'write the analysis and plan as JSON (-: standard output, with -o FILE)')
    .option('--context <dir>', "build context for --build (default: the Dockerfile's directory)")
    .option('--oci-archive <file>', 'also write the slim image itself as an OCI archive (no builder needed)')
    .option('--docker-archive <file>', 'also write the slim image itself as a docker load archive')
    .option('--tag <ref>', 'image name for --oci-archive/--docker-archive (default: latest)')
    .option('--trace <probe.json>', "also keep what the probe's checks open and execute, traced in the image with the host's strace")
    .option('--trace-only', 'with --trace: keep only the traced files and their ELF and system-file closure (tighter, riskier)')
    .option('--trace-network <host|name>', 'with --trace: how checks reach a server (default: a network made for the run)')
    .option('--sbom <file>', 'also write a CycloneDX 1.5 JSON SBOM of the slim image (-: standard output, with -o FILE)')
    .option('--no-package-db', 'do not carry the package database of the kept packages (scanners then see no OS or packages)')
    .addHelpText(
      'after',
      `
Without an image source, the target is built when an engine is found. Every output is checked first (a device,
FIFO, directory or symlink at its path is refused) and written only when all of them are complete.

Examples:
  $ scratchify slim Dockerfile -o Dockerfile.slim && docker build -f Dockerfile.slim .
  $ docker save myapp -o myapp.tar && scratchify slim --image-archive myapp.tar -o Dockerfile.slim
  $ scratchify slim --build --target runtime --build-arg VERSION=1.2 --keep '/usr/share/zoneinfo/**'
  $ scratchify slim --image-archive myapp.tar --docker-archive slim.tar --tag myapp:slim && docker load -i slim.tar
  $ scratchify slim Dockerfile --trace probe.json -o Dockerfile.slim   # also keep what the probe's run opens`,
    )
    .action(async (dockerfile: string, options: SlimCommandOptions) => {
      const { runSlim } = require('./commands/slim') as typeof import('./commands/slim');
      process.stdout.write(await runSlim(dockerfile, options));
    });

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
      const { runStages } = require('./commands/stages') as typeof import('./commands/stages');
      process.stdout.write(runStages(dockerfile, options));
    });

  const imageOptions = (command: Command): Command =>
    command
      .option('--image-archive <file>', 'image to analyze: a docker save archive, an OCI archive or an OCI layout directory')
      .option('--rootfs <dir>', 'image to analyze: a root filesystem directory (no config)')
      .option('--target <stage>', 'the Dockerfile stage the image was built from (default: the last)')
      .addOption(new Option('--build-arg <name=value>', 'a build argument the image was built with (repeatable)').argParser(collect).default([]))
      .addOption(new Option('--keep <glob>', 'also keep image paths matching this glob (repeatable)').argParser(collect).default([]))
      .option('--trace <probe.json>', "also keep what the probe's checks open and execute (runs the --image-archive image with the host's strace)")
      .option('--trace-only', 'with --trace: keep only the traced files and their ELF and system-file closure')
      .option('--trace-network <host|name>', 'with --trace: how checks reach a server (default: a network made for the run)')
      .option('--no-package-db', 'do not keep the package database of the kept packages (as slim --no-package-db)')
      .option('--json', 'print JSON');

  imageOptions(
    cli
      .command('analyze')
      .description('list the files the final stage needs at run time, each with its reasons')
      .argument('[dockerfile]', 'the Dockerfile that built the image (its COPY/ADD mark the application)')
      .option('--sbom <file>', 'also write a CycloneDX 1.5 JSON SBOM of the slim image (-: standard output)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ docker save myapp:latest -o myapp.tar && scratchify analyze --image-archive myapp.tar Dockerfile
  $ scratchify analyze --rootfs ./rootfs --keep '/usr/share/myapp/**' --json > kept.json
  $ scratchify analyze --image-archive myapp.tar --trace probe.json   # static closure plus what the probe opened`,
    )
    .action(async (dockerfile: string | undefined, options: ImageInputOptions) => {
      const { runAnalyze } = require('./commands/analyze') as typeof import('./commands/analyze');
      process.stdout.write(await runAnalyze(dockerfile, options));
    });

  imageOptions(
    cli
      .command('why')
      .description('show the chain of reasons that keeps each PATH')
      .argument('<path...>', 'image paths to explain')
      .option('--dockerfile <file>', 'the Dockerfile that built the image'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ scratchify why --image-archive myapp.tar /usr/lib/x86_64-linux-gnu/libssl.so.3
  $ scratchify why --image-archive myapp.tar --dockerfile Dockerfile /etc/passwd /tmp
  $ scratchify why --image-archive myapp.tar --trace probe.json /usr/lib/myapp/plugins/png.so

Exit code 1 when a path is not kept.`,
    )
    .action(async (paths: string[], options: ImageInputOptions & { dockerfile?: string }) => {
      const { runWhy } = require('./commands/analyze') as typeof import('./commands/analyze');
      const { output, allKept } = await runWhy(paths, options);
      process.stdout.write(output);
      if (!allKept) process.exitCode = EXIT_FINDINGS;
    });

  cli
    .command('verify')
    .description('run a probe on the fat and the slim image through the local engine and compare them, check by check')
    .argument('[dockerfile]', 'the Dockerfile: to build the fat image and, without a slim image, to generate one (default: ./Dockerfile)')
    .option('--probe <probe.json>', "the checks (docs/probe.md); default: the fat image's HEALTHCHECK")
    .option('--image-archive <file>', 'the fat image: a docker save archive, loaded for the run')
    .option('--image <ref>', 'the fat image: an image the engine has')
    .option('--build', 'the fat image: build the Dockerfile target (the default when no fat image is given)')
    .option('--slim-image <ref>', 'the slim image: an image the engine has')
    .option('--slim-dockerfile <file>', 'the slim image: build this Dockerfile (default: run slim and build what it writes); with --slim-image, the Dockerfile it was built from')
    .option('--target <stage>', 'target stage (default: the last stage)')
    .addOption(new Option('--build-arg <name=value>', 'build argument, for both builds (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--keep <glob>', 'for a generated slim Dockerfile: also keep these paths (repeatable)').argParser(collect).default([]))
    .option('--context <dir>', "build context (default: the Dockerfile's directory)")
    .option('--network <host|name>', 'how checks reach a server: host, none or a network name (default: a network made for the run)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Runs every check on the fat and on the slim image (docker, then podman), compares their runtime contracts, and
prints a table check x image with durations and, on failure, the first difference. Containers, the network and
images it loads or builds are removed at the end, also on Ctrl-C.

Exit codes: 0 every check passes on both and the contracts match, 1 the slim image differs,
2 usage or engine error, or the fat image fails its own probe.

Examples:
  $ scratchify verify Dockerfile --probe probe.json                      # build, slim, build slim, compare
  $ scratchify verify --image myapp:latest --slim-image myapp:slim --probe probe.json --format json
  $ scratchify verify --image-archive app.tar --slim-dockerfile Dockerfile.slim Dockerfile --network host`,
    )
    .action(async (dockerfile: string | undefined, options: VerifyCommandOptions) => {
      const { runVerify } = require('./commands/verify') as typeof import('./commands/verify');
      const { output, code } = await runVerify(dockerfile, options);
      process.stdout.write(output);
      process.exitCode = code;
    });

  cli
    .command('lint')
    .description('find fat-image problems in a Dockerfile and (with an image) measure the waste, for CI')
    .argument('[dockerfile]', 'path to the Dockerfile, or - for standard input (default: ./Dockerfile)')
    .option('--image-archive <file>', 'also lint this saved image of the target (docker save, OCI archive or layout)')
    .option('--image <ref>', 'also lint this image from the local engine')
    .option('--build', 'build the target with the engine found, then lint the image too')
    .option('--target <stage>', 'target stage (default: the last stage)')
    .addOption(new Option('--build-arg <name=value>', 'build argument (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--keep <glob>', 'image paths the program needs that the analysis cannot see (repeatable)').argParser(collect).default([]))
    .option('--context <dir>', "build context, for --build and .dockerignore (default: the Dockerfile's directory)")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github', 'checkstyle']).default('text'))
    .option('-o, --output <file>', 'write the report here instead of standard output (-: standard output)')
    .option('--config <file>', 'config file (default: the nearest .scratchify.json/.yaml from the Dockerfile up to the repository root)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: warning, or failOn from the config)').choices(['error', 'warning', 'info']))
    .option('--max-waste-percent <n>', 'image gate: unneeded bytes above N% of the image are an error')
    .option('--max-waste-bytes <n>', 'image gate: unneeded bytes above N (e.g. 50MB) are an error')
    .option('--no-package-db', 'the slim image will carry no package database (reported as info when the image has packages)')
    .option('--list-rules', 'list the rules and exit')
    .addHelpText(
      'after',
      `
Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or input error
(an unparsable Dockerfile is reported as one dockerfile-syntax finding, then exit 2).

Ignore a finding with "# scratchify-ignore RULE[,RULE] [-- reason]" above the instruction, or a whole file
with "# scratchify-ignore-file [RULE,...]". Rules: scratchify lint --list-rules; docs/lint-rules.md.

Examples:
  $ scratchify lint                                          # ./Dockerfile, text report
  $ scratchify lint Dockerfile --format sarif -o scratchify.sarif
  $ scratchify lint --format github                          # annotations in a GitHub Actions log
  $ scratchify lint --build --max-waste-percent 50           # build, then fail if over half the image is unneeded
  $ docker save app -o app.tar && scratchify lint --image-archive app.tar --format json`,
    )
    .action(async (dockerfile: string | undefined, options: LintCommandOptions) => {
      const { runLint } = require('./commands/lint') as typeof import('./commands/lint');
      const { output, code } = await runLint(dockerfile, options);
      process.stdout.write(output);
      process.exitCode = code;
    });

  return cli;
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  const debug = argv.includes('--debug');
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else it has already printed in one line.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isScratchifyError(error)) {
      process.stderr.write(`scratchify: ${printable(error.format())}\n`);
      if (debug && error.stack) process.stderr.write(`${printableLines(error.stack)}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`scratchify: internal error: ${printable(message)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${printableLines(error.stack)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  // A reader that stops early (`scratchify lint --help | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
