/**
 * The one place where a value that came from an image or a Dockerfile becomes Dockerfile text. The emitters
 * write every such value through one of these functions, chosen by where in an instruction it goes:
 *
 * | Context            | Instructions                         | Rule                                                       |
 * |--------------------|--------------------------------------|------------------------------------------------------------|
 * | comment            | `# …`                                | controls, line separators, bidi marks shown as `\n`, `\x1b`, `\u202e` |
 * | exec word          | ENTRYPOINT, CMD, HEALTHCHECK CMD, RUN | a JSON string; no builder expands it                      |
 * | expanded exec word | COPY, VOLUME                         | a JSON string holding a quoted word (below)                |
 * | COPY source        | COPY                                 | an expanded exec word that is no pattern (isCopyPattern)   |
 * | quoted word        | ENV, LABEL, WORKDIR, USER            | as is when only `[A-Za-z0-9_./:@%+,=-]` (no leading `-`), else `'…'` |
 * |                    |                                      | (WORKDIR: a clean absolute path; keys: no `=`)             |
 * | port, signal, duration | EXPOSE, STOPSIGNAL, HEALTHCHECK flags | checked against Docker's format, written as is      |
 * | shell script       | HEALTHCHECK CMD (CMD-SHELL)          | written as is, when the line parser would give it back     |
 *
 * Why single quotes: the builders expand `$`, quotes and the escape character in the words of COPY, ADD,
 * VOLUME, WORKDIR, USER, ENV, LABEL, EXPOSE and STOPSIGNAL, JSON form included (BuildKit
 * `frontend/dockerfile/instructions/commands.go`: the `Expand` methods, called from `dispatch()` in
 * `dockerfile2llb/convert.go`; RUN expands only its `--mount` flags, and CMD, ENTRYPOINT and HEALTHCHECK are
 * never expanded). Inside single quotes the lexer takes every character literally and nothing, not even the
 * escape character, is special (`shell/lex.go` `processSingleQuote`); a `'` is written as `'"'"'`, a
 * double-quoted `'`. So no rule here depends on the `# escape=` directive: the escape character appears in
 * emitted text only as a line continuation. The legacy builder shares BuildKit's parser and lexer; buildah's
 * (openshift/imagebuilder) lexer treats single quotes the same way (checked with real builds, see
 * docs/security.md).
 *
 * Refused everywhere, with an UnwritableValueError naming the value (exit 2, nothing written): NUL, text that
 * is not UTF-8 (a lone surrogate: image readers keep each byte of an invalid sequence as U+DC80+byte), and
 * values over MAX_WRITTEN_BYTES once written. Refused outside JSON: line feed and carriage return, which no
 * Dockerfile form outside a JSON string can carry.
 */
import { posix } from 'node:path';
import { ScratchifyError, type SourceLocation } from '../../errors';
import { isGoSpace } from '../../expand/go-unicode';
import type { EscapeChar } from '../../dockerfile';
import { isCopyPattern } from '../../plan';

/** A value that cannot be written into the Dockerfile exactly: refused rather than written differently. */
export class UnwritableValueError extends ScratchifyError {
  constructor(message: string, kind: 'image' | 'usage', location: SourceLocation = {}) {
    super(kind, message, location);
    this.name = 'UnwritableValueError';
  }
}

/** What a refusal names: `image config Env[3] (FOO)`, `image path /srv/a`, with where the value came from. */
export interface Field {
  /** Already visible (see `visible`): one line. */
  label: string;
  /** `image` for what an image holds, `usage` for what the Dockerfile or the command line says. */
  kind: 'image' | 'usage';
  location?: SourceLocation;
}

/** Throws the refusal for `field`: `<label>: <reason>`. */
export function refuse(field: Field, reason: string): never {
  throw new UnwritableValueError(`${field.label}: ${reason}`, field.kind, field.location);
}

/**
 * BuildKit's scanner reads physical lines of at most 64 KiB (`bufio.MaxScanTokenSize`). An emitted line holds
 * at most two values (ENV and LABEL: key and value) besides a short fixed part, so each value written is
 * kept under 30,000 bytes.
 */
export const MAX_WRITTEN_BYTES = 30_000;

const LONE_SURROGATE = /\p{Cs}/u;

/** True when `text` is valid Unicode: no lone surrogate, so it has a UTF-8 encoding that decodes back to it. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Characters that do not print as themselves: controls, lone surrogates, line separators, bidi controls. */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|\p{Cs}/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` on one line with every invisible character shown as an escape: `\n`, `\r`, `\t`, `\xNN` for other
 * characters below U+0100 and for a byte of a non-UTF-8 name (U+DC80+byte), `\uXXXX` otherwise.
 */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    const code = ch.charCodeAt(0);
    if (NAMED[ch]) return NAMED[ch];
    if (code >= 0xdc80 && code <= 0xdcff) return `\\x${(code - 0xdc00).toString(16)}`;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Characters of a comment's text, far below BuildKit's 64 KiB line limit: comments name paths, which can be long. */
const MAX_COMMENT_CHARACTERS = 4000;

/**
 * A `# …` line: the text on one line, whatever it holds, so a comment can never end an instruction or start
 * one; cut (at a character, with `…`) when longer than a line may be.
 */
export function comment(text: string): string {
  const characters = Array.from(visible(text));
  const shown = characters.length > MAX_COMMENT_CHARACTERS ? `${characters.slice(0, MAX_COMMENT_CHARACTERS).join('')}…` : characters.join('');
  return `# ${shown}`;
}

/** What every written value must be: UTF-8 text without NUL. */
function checkText(value: string, field: Field): void {
  if (!isWellFormed(value)) refuse(field, `is not valid UTF-8 (${visible((LONE_SURROGATE.exec(value) as RegExpExecArray)[0])}), which a Dockerfile cannot carry`);
  if (value.includes('\0')) refuse(field, 'contains a NUL byte, which a Dockerfile cannot carry');
}

function checkOneLine(value: string, field: Field): void {
  if (/[\n\r]/.test(value)) refuse(field, 'contains a line break, which a Dockerfile cannot express outside a JSON array');
}

function checkLength(written: string, field: Field): string {
  const bytes = Buffer.byteLength(written, 'utf8');
  if (bytes > MAX_WRITTEN_BYTES) refuse(field, `is ${bytes} bytes once written, over the ${MAX_WRITTEN_BYTES} that keep a Dockerfile line under BuildKit's 64 KiB`);
  return written;
}

/** Characters JSON.stringify leaves raw that do not print as themselves; JSON's `\uXXXX` means the same. */
const JSON_INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function jsonString(value: string): string {
  return JSON.stringify(value).replace(JSON_INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A word of an exec-form ENTRYPOINT, CMD, HEALTHCHECK CMD or RUN: a JSON string, never expanded. */
export function execWord(value: string, field: Field): string {
  checkText(value, field);
  return checkLength(jsonString(value), field);
}

/**
 * Words that mean nothing special to the lexer, the line parser or a shell reading the text. Not starting with
 * `-`: the line parser takes leading words that start with `--` as flags, of ENV and USER too
 * (`split_command.go` `extractBuilderFlags`).
 */
const PLAIN = /^[A-Za-z0-9_./:@%+,=][A-Za-z0-9_./:@%+,=-]*$/;

/** The lexer word that gives back `value`: as is when plain, else single-quoted (`'` as `'"'"'`). */
function lexerWord(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** A word of a JSON-form COPY or VOLUME: expanded by the builder, so a quoted word inside a JSON string. */
export function expandedExecWord(value: string, field: Field): string {
  checkText(value, field);
  return checkLength(jsonString(lexerWord(value)), field);
}

/** A COPY source: never a pattern (see isCopyPattern; the plan carries such paths in the skeleton stage). */
export function copySource(path: string, field: Field): string {
  if (isCopyPattern(path)) {
    refuse(field, 'holds [ * ? or \\, which COPY reads as a pattern, and the image has no /bin/sh and GNU cp to carry it in the skeleton stage');
  }
  return expandedExecWord(path, field);
}

/** A word of ENV, LABEL, WORKDIR or USER: one line, quoted so the lexer gives it back. */
export function quotedWord(value: string, field: Field): string {
  checkText(value, field);
  checkOneLine(value, field);
  return checkLength(lexerWord(value), field);
}

/**
 * A WORKDIR path. WORKDIR stores the clean absolute path (`path.Clean` of the path joined to the current
 * one: BuildKit `dispatchWorkdir`, `system.NormalizeWorkdir`), so only such a path is given back as written.
 */
export function workdirWord(path: string, field: Field): string {
  if (!path.startsWith('/') || posix.normalize(path).replace(/(.)\/$/, '$1') !== path) {
    refuse(field, 'is not a clean absolute path, which WORKDIR would write differently');
  }
  return quotedWord(path, field);
}

/**
 * An ENV or LABEL key. The line parser splits `key=value` words at their first `=`, quotes or not
 * (`parser/line_parsers.go` `parseNameVal`), so a key cannot hold one; nor can it be empty.
 */
export function keyWord(key: string, field: Field): string {
  if (key === '') refuse(field, 'is an empty key, which ENV and LABEL cannot write');
  if (key.includes('=')) refuse(field, "holds '=', which ENV and LABEL split keys at");
  return quotedWord(key, field);
}

/**
 * An EXPOSE word. A config key must be exactly what EXPOSE writes for it, one `port/protocol` (Docker
 * lower-cases the protocol and expands `8000-8010` into one key per port: nat `ParsePortSpec`); words a
 * Dockerfile wrote (`asWritten`) may keep a range and any case, since the builder reads them as it did.
 */
export function portWord(key: string, field: Field, asWritten = false): string {
  const port = '[1-9][0-9]{0,4}';
  const match = (asWritten ? new RegExp(`^(${port})(?:-(${port}))?/(tcp|udp|sctp)$`, 'i') : new RegExp(`^(${port})()/(tcp|udp|sctp)$`)).exec(key);
  if (!match || Number(match[1]) > 65535 || Number(match[2] || 0) > 65535) {
    refuse(field, 'is not port/protocol (1-65535, tcp, udp or sctp), which EXPOSE would write differently');
  }
  return key;
}

/** Signal names Docker's `signal.ParseSignal` knows on Linux, without `SIG` (moby/sys `signal_linux.go`). */
const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1',
  'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** A STOPSIGNAL value: a signal number or a name Docker accepts (any case, `SIG` optional), written as is. */
export function signalWord(value: string, field: Field): string {
  const number = /^[1-9][0-9]{0,2}$/.test(value);
  if (!number && !SIGNALS.has(value.toUpperCase().replace(/^SIG/, ''))) refuse(field, 'is not a signal number or name Docker accepts');
  return value;
}

/** A HEALTHCHECK duration flag value: Go `time.Duration` text such as `1m30s` or `500ms`. */
export function durationWord(value: string, field: Field): string {
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) refuse(field, 'is not a duration HEALTHCHECK accepts');
  return value;
}

/** A HEALTHCHECK `--retries` value: a non-negative integer. */
export function countWord(value: number, field: Field): string {
  if (!Number.isSafeInteger(value) || value < 0) refuse(field, 'is not a non-negative integer');
  return String(value);
}

/**
 * True when `text` starts with a JSON array, alone (BuildKit's `json.Unmarshal`) or followed by more (a
 * decoder that stops after the first value, as older parsers use). One pass finds where the first array
 * would end; only that prefix is parsed, so the time stays linear whatever the text.
 */
function startsWithJsonArray(text: string): boolean {
  if (!text.startsWith('[')) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if ((ch === ']' || ch === '}') && --depth === 0) {
      try {
        return Array.isArray(JSON.parse(text.slice(0, i + 1)));
      } catch {
        return false;
      }
    }
  }
  return false;
}

/**
 * A shell-form HEALTHCHECK script (Docker's `CMD-SHELL`), which the line parser takes as the rest of the line
 * with no expansion (`parser/line_parsers.go` `parseMaybeJSON`). Given back exactly unless it has a line
 * break, spaces at either end (trimmed by `splitCommand`), ends in the escape character (a continuation), or
 * starts like a JSON array (read as exec form, or a parse error when the array holds non-strings).
 */
export function shellScript(script: string, field: Field, escape: EscapeChar): string {
  checkText(script, field);
  checkOneLine(script, field);
  if (script === '') refuse(field, 'is an empty command');
  if (isGoSpace(String.fromCodePoint(script.codePointAt(0) as number)) || isGoSpace(script.slice(-1))) {
    refuse(field, 'starts or ends with a space, which the Dockerfile line parser trims');
  }
  if (script.endsWith(escape)) refuse(field, `ends with the escape character ${escape}, which would join the next line`);
  if (startsWithJsonArray(script)) refuse(field, 'starts like a JSON array, which HEALTHCHECK would read as exec form');
  return checkLength(script, field);
}

/**
 * A JSON array of words, on one line when short, else one word per physical line joined with the escape
 * character (the line parser joins them before reading the JSON; a continuation line starts with spaces and
 * `"`, so it is never a comment).
 */
export function jsonArray(words: string[], escape: EscapeChar, indent: string): string {
  const oneLine = `[${words.join(', ')}]`;
  if (oneLine.length <= 100 || words.length < 2) return oneLine;
  return `[${words.join(`, ${escape}\n${indent}`)}]`;
}
