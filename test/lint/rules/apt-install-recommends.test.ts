import { aptInstallRecommends } from '../../../src/lint/rules/apt-install-recommends';
import { ruleTester } from '../rule-tester';

ruleTester(aptInstallRecommends, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    { name: 'the apt option spelled out', code: 'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl' },
    { name: 'the apt option as --option=…=0', code: 'FROM debian:12\nRUN apt install -y --option=APT::Install-Recommends=0 curl' },
    { name: 'build stages are not the image', code: 'FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /out /app' },
    { name: 'install -f names no package', code: 'FROM debian:12\nRUN apt-get install -y -f' },
    {
      name: 'BuildKit syntax: cache mounts and a heredoc',
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt/lists <<EOT\nset -e\napt-get update\napt-get install -y --no-install-recommends ca-certificates\nEOT\nCOPY --link --exclude=*.md . /app',
    },
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*', findings: [{ line: 2, message: '`apt-get install python3` also installs the packages it recommends' }] },
    {
      name: 'sudo, DEBIAN_FRONTEND, pins and a continuation line',
      code: 'FROM ubuntu:24.04\nRUN DEBIAN_FRONTEND=noninteractive sudo apt-get update && \\\n    sudo apt-get -y install gcc=4:13.2.0-7 libssl-dev',
      findings: [{ line: 3, message: '`apt-get install gcc libssl-dev` also installs the packages they recommend' }],
    },
    { name: 'in a heredoc', code: 'FROM debian:12\nRUN <<EOT\napt-get install -y tzdata\nEOT', findings: [{ line: 3, message: 'tzdata' }] },
    { name: 'inherited from a parent stage', code: 'FROM debian:12 AS base\nRUN apt install -y jq\nFROM base\nCMD ["jq"]', findings: [{ line: 2, message: '`apt install jq`' }] },
  ],
});
