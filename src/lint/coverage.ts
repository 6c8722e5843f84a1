/**
 * Which check of the two references users map their configuration from — hadolint's DL rules (its README's
 * table, v2.15.1) and BuildKit's build checks (`docker build --check`, frontend/dockerfile/linter/ruleset.go) —
 * scratchify covers, with which rule, and why not where it does not. docs/lint-rules.md renders this table, and
 * a test keeps it consistent with the rules' own `related` metadata.
 */

/** A rule id of scratchify, the parser (a file BuildKit refuses is refused), or why the check is not covered. */
export type Coverage = { rules: string[]; note?: string } | { parser: string } | { notCovered: string };

export interface ExternalCheck {
  id: string;
  /** What the check finds, in a few words. */
  summary: string;
  coverage: Coverage;
}

const PARSE_ERROR = 'BuildKit refuses such a Dockerfile, and so does scratchify’s parser: `lint` reports it as `dockerfile-syntax`.';

export const HADOLINT_RULES: readonly ExternalCheck[] = [
  { id: 'DL1001', summary: 'Inline ignore pragmas', coverage: { notCovered: 'About hadolint’s own pragmas; scratchify’s `# scratchify-ignore` is its own and can be forbidden only by policy.' } },
  { id: 'DL3000', summary: 'Use absolute WORKDIR', coverage: { rules: ['workdir-relative-path'], note: 'only the first relative WORKDIR, as BuildKit’s check' } },
  { id: 'DL3001', summary: 'Pointless commands (ssh, vim, service, kill…)', coverage: { rules: ['pointless-command'] } },
  { id: 'DL3002', summary: 'Last USER should not be root', coverage: { rules: ['final-stage-root'] } },
  { id: 'DL3003', summary: 'Use WORKDIR to switch to a directory', coverage: { rules: ['cd-instead-of-workdir'] } },
  { id: 'DL3004', summary: 'Do not use sudo', coverage: { rules: ['sudo-in-run'] } },
  { id: 'DL3006', summary: 'Always tag the image version', coverage: { rules: ['base-image-tag'] } },
  { id: 'DL3007', summary: 'Using latest is prone to errors', coverage: { rules: ['base-image-tag'] } },
  { id: 'DL3008', summary: 'Pin versions in apt-get install', coverage: { rules: ['unpinned-os-package'] } },
  { id: 'DL3009', summary: 'Delete the apt-get lists', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only; cache mounts count as cleaning; a later RUN deleting them is cleanup-in-separate-layer' } },
  { id: 'DL3010', summary: 'Use ADD for extracting archives', coverage: { notCovered: 'scratchify recommends the opposite where it matters: a RUN --mount=type=bind of the archive keeps it out of every layer; copying then deleting it is reported by cleanup-in-separate-layer.' } },
  { id: 'DL3011', summary: 'Valid UNIX ports range from 0 to 65535', coverage: { rules: ['expose-invalid-format'] } },
  { id: 'DL3012', summary: 'Multiple HEALTHCHECK instructions', coverage: { rules: ['multiple-instructions'] } },
  { id: 'DL3013', summary: 'Pin versions in pip', coverage: { rules: ['unpinned-language-package'] } },
  { id: 'DL3014', summary: 'Use the -y switch (apt-get)', coverage: { rules: ['install-without-yes'] } },
  { id: 'DL3015', summary: 'Avoid additional packages (--no-install-recommends)', coverage: { rules: ['apt-install-recommends'], note: 'final image only' } },
  { id: 'DL3016', summary: 'Pin versions in npm', coverage: { rules: ['unpinned-language-package'], note: 'global installs; a project install follows package.json and its lock file' } },
  { id: 'DL3018', summary: 'Pin versions in apk add', coverage: { rules: ['unpinned-os-package'] } },
  { id: 'DL3019', summary: 'Use apk add --no-cache', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only' } },
  { id: 'DL3020', summary: 'Use COPY instead of ADD for files and folders', coverage: { rules: ['add-instead-of-copy'] } },
  { id: 'DL3021', summary: 'COPY with more than 2 arguments requires the last to end with /', coverage: { rules: ['copy-multiple-sources-destination'] } },
  { id: 'DL3022', summary: 'COPY --from should reference a previously defined FROM alias', coverage: { notCovered: 'An unknown --from name is an image or a named build context (`docker buildx bake`), both valid; base-image-tag judges it as an image, and a stage defined later is a parse error.' } },
  { id: 'DL3023', summary: 'COPY --from cannot reference its own FROM alias', coverage: { parser: PARSE_ERROR } },
  { id: 'DL3024', summary: 'FROM aliases must be unique', coverage: { rules: ['duplicate-stage-name'] } },
  { id: 'DL3025', summary: 'Use JSON notation for CMD and ENTRYPOINT', coverage: { rules: ['shell-form-command'] } },
  { id: 'DL3026', summary: 'Use only an allowed registry in FROM', coverage: { notCovered: 'A policy, not a property of the Dockerfile: it needs the list of allowed registries, which scratchify’s config has no key for yet.' } },
  { id: 'DL3027', summary: 'Do not use apt', coverage: { rules: ['apt-instead-of-apt-get'] } },
  { id: 'DL3028', summary: 'Pin versions in gem install', coverage: { rules: ['unpinned-language-package'] } },
  { id: 'DL3029', summary: 'Do not use --platform with FROM', coverage: { rules: ['from-platform-flag-const'], note: 'as BuildKit: a constant platform only; `$BUILDPLATFORM` is the right use' } },
  { id: 'DL3030', summary: 'Use the -y switch (yum)', coverage: { rules: ['install-without-yes'] } },
  { id: 'DL3032', summary: 'yum clean all missing', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only' } },
  { id: 'DL3033', summary: 'Pin versions in yum', coverage: { rules: ['unpinned-os-package'] } },
  { id: 'DL3034', summary: 'Non-interactive switch missing from zypper', coverage: { rules: ['install-without-yes'] } },
  { id: 'DL3035', summary: 'Do not use zypper dist-upgrade', coverage: { rules: ['distribution-upgrade'] } },
  { id: 'DL3036', summary: 'zypper clean missing', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only' } },
  { id: 'DL3037', summary: 'Pin versions in zypper', coverage: { rules: ['unpinned-os-package'] } },
  { id: 'DL3038', summary: 'Use the -y switch (dnf)', coverage: { rules: ['install-without-yes'] } },
  { id: 'DL3040', summary: 'dnf clean all missing', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only' } },
  { id: 'DL3041', summary: 'Pin versions in dnf', coverage: { rules: ['unpinned-os-package'] } },
  { id: 'DL3042', summary: 'Avoid the pip cache (--no-cache-dir)', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only; PIP_NO_CACHE_DIR and cache mounts count' } },
  { id: 'DL3043', summary: 'ONBUILD, FROM or MAINTAINER triggered from within ONBUILD', coverage: { parser: PARSE_ERROR } },
  { id: 'DL3044', summary: 'Do not refer to an ENV variable within the same ENV statement', coverage: { rules: ['env-self-reference'] } },
  { id: 'DL3045', summary: 'COPY to a relative destination without WORKDIR', coverage: { rules: ['copy-relative-destination'] } },
  { id: 'DL3046', summary: 'useradd without -l and a high UID', coverage: { rules: ['useradd-high-uid'] } },
  { id: 'DL3047', summary: 'wget without --progress bloats build logs', coverage: { rules: ['wget-progress'] } },
  { id: 'DL3048', summary: 'Invalid label key', coverage: { notCovered: 'Label policy (hadolint’s label-schema configuration); scratchify lints image size and safety, not label conventions.' } },
  { id: 'DL3049', summary: 'Label is missing', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3050', summary: 'Superfluous label(s) present', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3051', summary: 'Label is empty', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3052', summary: 'Label is not a valid URL', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3053', summary: 'Label is not a valid time (RFC3339)', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3054', summary: 'Label is not a valid SPDX license identifier', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3055', summary: 'Label is not a valid git hash', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3056', summary: 'Label does not conform to semantic versioning', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3057', summary: 'HEALTHCHECK instruction missing', coverage: { notCovered: 'Off by default in hadolint too: orchestrators (Kubernetes probes) usually check health, and a HEALTHCHECK needs a tool in the image, which a FROM scratch image does not have.' } },
  { id: 'DL3058', summary: 'Label is not a valid email (RFC5322)', coverage: { notCovered: 'Label policy: needs a configured label schema.' } },
  { id: 'DL3059', summary: 'Multiple consecutive RUN instructions', coverage: { rules: ['consecutive-run'], note: 'final image only' } },
  { id: 'DL3060', summary: 'yarn cache clean missing after yarn install', coverage: { rules: ['package-cache-not-cleaned'], note: 'final image only' } },
  { id: 'DL3061', summary: 'Invalid instruction order: begin with FROM, ARG or a comment', coverage: { parser: PARSE_ERROR } },
  { id: 'DL3062', summary: 'Pin versions in go install', coverage: { rules: ['unpinned-language-package'] } },
  { id: 'DL3063', summary: 'Stage name is a reserved word', coverage: { rules: ['reserved-stage-name'] } },
  { id: 'DL3064', summary: 'Sensitive data in ARG or ENV', coverage: { rules: ['secret-in-arg-env'] } },
  { id: 'DL3065', summary: 'FROM --platform=$TARGETPLATFORM is redundant', coverage: { rules: ['redundant-target-platform'] } },
  { id: 'DL3066', summary: 'Non-numeric USER may not resolve', coverage: { notCovered: 'Whether a user name resolves depends on the image’s /etc/passwd; the image rules and `scratchify slim` (which keeps the passwd entry or writes the numeric user) handle it with the image at hand.' } },
  { id: 'DL3067', summary: 'Do not copy the entire filesystem from another stage', coverage: { rules: ['copy-whole-stage'], note: 'final image only' } },
  { id: 'DL4000', summary: 'MAINTAINER is deprecated', coverage: { rules: ['maintainer-deprecated'] } },
  { id: 'DL4001', summary: 'Either use wget or curl, but not both', coverage: { rules: ['wget-and-curl'], note: 'per stage' } },
  { id: 'DL4003', summary: 'Multiple CMD instructions', coverage: { rules: ['multiple-instructions'] } },
  { id: 'DL4004', summary: 'Multiple ENTRYPOINT instructions', coverage: { rules: ['multiple-instructions'] } },
  { id: 'DL4005', summary: 'Use SHELL to change the default shell', coverage: { rules: ['shell-symlink'] } },
  { id: 'DL4006', summary: 'Set -o pipefail before RUN with a pipe', coverage: { rules: ['pipe-without-pipefail'] } },
];

export const BUILDKIT_CHECKS: readonly ExternalCheck[] = [
  { id: 'StageNameCasing', summary: 'Stage names should be lowercase', coverage: { rules: ['stage-name-casing'] } },
  { id: 'FromAsCasing', summary: 'The AS keyword should match the case of FROM', coverage: { rules: ['from-as-casing'] } },
  { id: 'NoEmptyContinuation', summary: 'Empty continuation lines', coverage: { rules: ['no-empty-continuation'] } },
  { id: 'ConsistentInstructionCasing', summary: 'All commands should use the same casing', coverage: { rules: ['consistent-instruction-casing'] } },
  { id: 'DuplicateStageName', summary: 'Stage names should be unique', coverage: { rules: ['duplicate-stage-name'] } },
  { id: 'ReservedStageName', summary: 'Reserved words should not be stage names', coverage: { rules: ['reserved-stage-name'] } },
  { id: 'JSONArgsRecommended', summary: 'JSON arguments for ENTRYPOINT/CMD', coverage: { rules: ['shell-form-command'] } },
  { id: 'MaintainerDeprecated', summary: 'MAINTAINER is deprecated', coverage: { rules: ['maintainer-deprecated'] } },
  { id: 'UndefinedArgInFrom', summary: 'FROM must use declared ARGs', coverage: { rules: ['undefined-arg-in-from'] } },
  { id: 'WorkdirRelativePath', summary: 'Relative WORKDIR without an absolute one before it', coverage: { rules: ['workdir-relative-path'] } },
  { id: 'UndefinedVar', summary: 'Variables should be defined before use', coverage: { notCovered: 'Needs the base image’s ENV (from its config in a registry) to tell an undefined variable from one the base image sets, such as GOPATH or JAVA_HOME; reporting without it would be mostly false alarms.' } },
  { id: 'MultipleInstructionsDisallowed', summary: 'Multiple CMD/ENTRYPOINT/HEALTHCHECK in a stage', coverage: { rules: ['multiple-instructions'] } },
  { id: 'LegacyKeyValueFormat', summary: 'ENV/LABEL key value with a space', coverage: { rules: ['legacy-key-value-format'] } },
  { id: 'InvalidBaseImagePlatform', summary: 'Base image platform does not match the target', coverage: { notCovered: 'Needs the base image’s manifest from a registry; `lint --image`/`--build` sees the built image’s platform instead.' } },
  { id: 'RedundantTargetPlatform', summary: 'FROM --platform=$TARGETPLATFORM is redundant', coverage: { rules: ['redundant-target-platform'] } },
  { id: 'SecretsUsedInArgOrEnv', summary: 'Secrets in ARG or ENV', coverage: { rules: ['secret-in-arg-env'], note: 'a GPG key fingerprint is not reported' } },
  { id: 'InvalidDefaultArgInFrom', summary: 'Default global ARGs give an invalid FROM', coverage: { rules: ['invalid-default-arg-in-from'] } },
  { id: 'FromPlatformFlagConstDisallowed', summary: 'FROM --platform should not be a constant', coverage: { rules: ['from-platform-flag-const'] } },
  { id: 'CopyIgnoredFile', summary: 'COPY of a file .dockerignore excludes', coverage: { notCovered: 'Not yet: it needs .dockerignore matching with BuildKit’s patternmatcher semantics (exclusions, `**`), which scratchify does not implement; missing-dockerignore checks the file exists.' } },
  { id: 'InvalidDefinitionDescription', summary: 'Comment above FROM/ARG should start with its name (experimental)', coverage: { notCovered: 'Experimental in BuildKit and off unless enabled; it is about `--call=outline` documentation.' } },
  { id: 'ExposeProtoCasing', summary: 'EXPOSE protocol should be lowercase', coverage: { rules: ['expose-proto-casing'] } },
  { id: 'ExposeInvalidFormat', summary: 'IP address or host-port mapping in EXPOSE', coverage: { rules: ['expose-invalid-format'] } },
];
