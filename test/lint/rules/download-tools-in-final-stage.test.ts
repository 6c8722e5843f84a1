import { downloadToolsInFinalStage } from '../../../src/lint/rules/download-tools-in-final-stage';
import { ruleTester } from '../rule-tester';

ruleTester(downloadToolsInFinalStage, {
  valid: [
    { name: 'used by the HEALTHCHECK', code: 'FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1' },
    { name: 'used by the exec-form HEALTHCHECK through sh -c', code: 'FROM alpine:3.20\nRUN apk add --no-cache wget\nHEALTHCHECK CMD ["sh", "-c", "wget -qO- http://localhost/health"]' },
    { name: 'used by the CMD', code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["curl", "https://example.com"]' },
    { name: 'removed in the same RUN', code: 'FROM debian:12\nRUN apt-get install -y curl && curl -o /app https://x/app && apt-get purge -y curl' },
    { name: 'build stage only', code: 'FROM debian:12 AS fetch\nRUN apt-get install -y curl && curl -o /app https://x/app\nFROM scratch\nCOPY --from=fetch /app /app' },
    { name: 'libcurl is not curl', code: 'FROM debian:12\nRUN apt-get install -y libcurl4' },
    {
      name: 'BuildKit syntax: heredoc with --link and --exclude copies',
      code: 'FROM alpine:3.20\nCOPY --link --exclude=*.md . /app\nRUN <<EOT\napk add --no-cache --virtual .fetch curl\ncurl -fsSLo /usr/local/bin/tool https://x/tool\napk del .fetch\nEOT',
    },
  ],
  invalid: [
    {
      code: 'FROM debian:bookworm-slim\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends ca-certificates curl && \\\n    rm -rf /var/lib/apt/lists/* && \\\n    curl -fsSL -o /usr/local/bin/app https://example.com/app\nENTRYPOINT ["/usr/local/bin/app"]',
      findings: [{ line: 3, message: 'installs curl, which stays in the final image although its HEALTHCHECK, ENTRYPOINT and CMD do not use it' }],
    },
    { code: 'FROM alpine:3.20\nRUN apk add --no-cache curl wget\nHEALTHCHECK CMD wget -q http://localhost/', findings: [{ line: 2, message: 'installs curl,' }] },
    { name: 'HEALTHCHECK NONE', code: 'FROM centos:7\nRUN yum install -y wget && yum clean all\nHEALTHCHECK NONE', findings: [{ line: 2, message: 'installs wget' }] },
  ],
});
