/**
 * Size limits on Dockerfile text (docs/limits.md). A module of its own, with no imports, so that the CLI can
 * bound its read of a Dockerfile without loading the parser.
 */

/**
 * BuildKit reads a Dockerfile with a bufio.Scanner of the default buffer size, 64 KiB including the line's
 * newline, and fails on a longer line with "dockerfile line greater than max allowed size of 65535"
 * (parser.go handleScannerError).
 */
export const MAX_LINE_BYTES = 65535;

/**
 * scratchify's limit on a whole Dockerfile, far above real ones (the largest are a few hundred KiB). BuildKit
 * has none of its own, though a frontend run as an image (`# syntax=`) receives the Dockerfile in one gRPC
 * message of at most 16 MiB. The parse keeps an object per instruction, so this bounds its memory.
 */
export const MAX_DOCKERFILE_BYTES = 2 * 1024 * 1024;
