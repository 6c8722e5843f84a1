/**
 * A language package installed by name without a version: `pip install flask`, `npm install -g typescript`,
 * `gem install bundler`, `go install example.com/tool@latest`. Requirement files, lock files, local paths,
 * URLs, VCS references and words with variables are not judged; nor is `npm install` without `-g` (it
 * installs what package.json and the lock file say, or adds to them).
 */
import type { InvokedCommand } from '../../shell';
import type { DockerfileLintRule } from '../types';
import { neededRuns, programName } from './support/stage-runs';

interface Unpinned {
  command: InvokedCommand;
  argument: number;
  name: string;
  tool: string;
}

const NOT_A_NAME = /[/$`]|^\.|^https?:|^git\+|\.(?:whl|tar\.gz|zip|tgz|gem)$/;

/** pip: a requirement without `==`, `===`, `~=`, `<`, `>` or `@ url`. */
function pipUnpinned(command: InvokedCommand, args: readonly string[], offset: number): Unpinned[] {
  const install = args.indexOf('install');
  if (install < 0) return [];
  const found: Unpinned[] = [];
  const withValue = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '-t', '--target', '--prefix', '--root', '--cache-dir', '--platform', '--python-version', '--only-binary', '--no-binary', '--upgrade-strategy', '--progress-bar', '--src', '-C', '--config-settings', '--report', '--log', '--proxy', '--retries', '--timeout', '--exists-action']);
  for (let i = install + 1; i < args.length; i++) {
    const arg = args[i];
    if (withValue.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-') || NOT_A_NAME.test(arg) || /[=<>~@]|\s/.test(arg)) continue;
    found.push({ command, argument: i + offset, name: arg, tool: 'pip install' });
  }
  return found;
}

function unpinnedIn(command: InvokedCommand): Unpinned[] {
  const program = programName(command);
  const args = command.args;
  if (/^pip\d*(?:\.\d+)*$/.test(program)) return pipUnpinned(command, args, 0);
  if (/^python\d*(?:\.\d+)*$/.test(program) && args[0] === '-m' && /^pip\d*$/.test(args[1] ?? '')) return pipUnpinned(command, args.slice(2), 2);
  if (program === 'npm' && ['install', 'i', 'add'].includes(args[0] ?? '') && args.some((arg) => arg === '-g' || arg === '--global')) {
    return args.flatMap((arg, i) => (i === 0 || arg.startsWith('-') || NOT_A_NAME.test(arg) || /.@[^/]+$/.test(arg) ? [] : [{ command, argument: i, name: arg, tool: 'npm install -g' }]));
  }
  if (program === 'gem' && args[0] === 'install') {
    if (args.some((arg) => arg === '-v' || arg === '--version' || arg.startsWith('--version='))) return [];
    return args.flatMap((arg, i) => (i === 0 || arg.startsWith('-') || NOT_A_NAME.test(arg) || arg.includes(':') ? [] : [{ command, argument: i, name: arg, tool: 'gem install' }]));
  }
  if (program === 'go' && args[0] === 'install') {
    return args.flatMap((arg, i) => (i === 0 || arg.startsWith('-') || arg.startsWith('.') || arg.includes('$') || (/@/.test(arg) && !/@latest$/.test(arg)) ? [] : [{ command, argument: i, name: arg, tool: 'go install' }]));
  }
  return [];
}

export const unpinnedLanguagePackage: DockerfileLintRule = {
  meta: {
    id: 'unpinned-language-package',
    kind: 'dockerfile',
    category: 'reproducibility',
    severity: 'info',
    description: 'A pip, global npm, gem or `go install` package is installed by name without a version.',
    rationale:
      'A package named without a version resolves to its newest release at build time: the image changes when the ' +
      'package does, a breaking release breaks the build, and a compromised release goes straight in. Requirement and lock ' +
      'files pin versions; packages named on the command line should too.',
    fix: 'Name the version (`pip install flask==3.0.3`, `npm install -g typescript@5.5.4`, `gem install bundler -v 2.5.16`, `go install golang.org/x/tools/gopls@v0.16.1`), or install from a lock file.',
    related: { hadolint: ['DL3013', 'DL3016', 'DL3028', 'DL3062'] },
    example: { bad: 'RUN pip install --no-cache-dir flask gunicorn', good: 'RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0' },
  },
  check(context) {
    for (const { run, commands } of neededRuns(context)) {
      for (const command of commands) {
        const unpinned = unpinnedIn(command);
        if (unpinned.length === 0) continue;
        context.report({
          instruction: run,
          location: context.locateCommand(run, command, unpinned[0].argument),
          message: `\`${unpinned[0].tool}\` installs ${unpinned.map((item) => item.name).join(', ')} without a version`,
          data: { packages: unpinned.map((item) => item.name) },
        });
      }
    }
  },
};
