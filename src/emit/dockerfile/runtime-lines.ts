/**
 * ENV … CMD restating a runtime config after `FROM scratch`, every value through the rules of quoting.ts:
 * what the builder reads back is exactly the config, or the value is refused.
 */
import type { EscapeChar } from '../../dockerfile';
import type { SourceLocation } from '../../errors';
import type { RuntimeConfig } from '../../plan';
import type { HealthcheckConfig } from '../../stages';
import {
  countWord, durationWord, execWord, expandedExecWord, jsonArray, keyWord, portWord, quotedWord, refuse, shellScript,
  signalWord, visible, workdirWord, type Field,
} from './quoting';

/** Where a config came from, for refusals: `image config` (kind image), or a Dockerfile's target stage. */
export interface ConfigOrigin {
  /** Start of every field's name in a refusal, e.g. `image config`. */
  prefix: string;
  kind: Field['kind'];
  location?: SourceLocation;
}

type FieldOf = (name: string) => Field;

function healthcheckLine(health: HealthcheckConfig, escape: EscapeChar, field: FieldOf): string {
  const [kind, ...rest] = health.test;
  if (kind === 'NONE' && rest.length === 0) return 'HEALTHCHECK NONE';
  const flags: string[] = [];
  if (health.interval !== undefined) flags.push(`--interval=${durationWord(health.interval, field('Healthcheck.Interval'))}`);
  if (health.timeout !== undefined) flags.push(`--timeout=${durationWord(health.timeout, field('Healthcheck.Timeout'))}`);
  if (health.startPeriod !== undefined) flags.push(`--start-period=${durationWord(health.startPeriod, field('Healthcheck.StartPeriod'))}`);
  if (health.startInterval !== undefined) flags.push(`--start-interval=${durationWord(health.startInterval, field('Healthcheck.StartInterval'))}`);
  if (health.retries !== undefined) flags.push(`--retries=${countWord(health.retries, field('Healthcheck.Retries'))}`);
  let command: string;
  if (kind === 'CMD' && rest.length > 0) {
    command = jsonArray(rest.map((word, i) => execWord(word, field(`Healthcheck.Test[${i + 1}]`))), escape, '     ');
  } else if (kind === 'CMD-SHELL' && rest.length === 1) {
    command = shellScript(rest[0], field('Healthcheck.Test[1]'), escape);
  } else {
    refuse(field('Healthcheck.Test'), `is ${visible(JSON.stringify(health.test))}, not ["NONE"], ["CMD", program, …] or ["CMD-SHELL", script]`);
  }
  return `HEALTHCHECK ${[...flags, 'CMD', command].join(' ')}`;
}

export function runtimeLines(config: RuntimeConfig, escape: EscapeChar, origin: ConfigOrigin): string[] {
  const field: FieldOf = (name) => ({ label: `${origin.prefix} ${name}`, kind: origin.kind, location: origin.location });
  const keyed = (name: string, key: string): string => `${name}[${visible(JSON.stringify(key))}]`;
  const lines: string[] = [];

  const env = config.env.map(([key, value], i) => {
    const name = field(`Env[${i}] (${visible(key)})`);
    if (value === undefined) refuse(name, "has no '=', which ENV cannot write (it would set an empty value)");
    return `${keyWord(key, name)}=${quotedWord(value, name)}`;
  });
  if (env.length > 0) lines.push(`ENV ${env.join(` ${escape}\n    `)}`);
  for (const [key, value] of config.labels) {
    const name = field(keyed('Labels', key));
    lines.push(`LABEL ${keyWord(key, name)}=${quotedWord(value, name)}`);
  }
  if (config.exposedPorts.length > 0) {
    // A Dockerfile's own EXPOSE words (kind usage) are restated as written; a config key must be one port.
    const asWritten = origin.kind === 'usage';
    lines.push(`EXPOSE ${config.exposedPorts.map((port) => portWord(port, field(keyed('ExposedPorts', port)), asWritten)).join(' ')}`);
  }
  if (config.volumes.length > 0) {
    const words = config.volumes.map((volume) => {
      const name = field(keyed('Volumes', volume));
      if (volume === '') refuse(name, 'is empty, which VOLUME refuses');
      return expandedExecWord(volume, name);
    });
    lines.push(`VOLUME ${jsonArray(words, escape, '       ')}`);
  }
  // WORKDIR before USER: BuildKit creates the WORKDIR directory owned by the current user, whom it could not
  // look up by name in a scratch image.
  if (config.workdir) lines.push(`WORKDIR ${workdirWord(config.workdir, field('WorkingDir'))}`);
  if (config.user) lines.push(`USER ${quotedWord(config.user, field('User'))}`);
  if (config.stopSignal) lines.push(`STOPSIGNAL ${signalWord(config.stopSignal, field('StopSignal'))}`);
  if (config.healthcheck) lines.push(healthcheckLine(config.healthcheck, escape, field));
  if (config.entrypoint) {
    lines.push(`ENTRYPOINT ${jsonArray(config.entrypoint.map((word, i) => execWord(word, field(`Entrypoint[${i}]`))), escape, '           ')}`);
  }
  if (config.cmd) lines.push(`CMD ${jsonArray(config.cmd.map((word, i) => execWord(word, field(`Cmd[${i}]`))), escape, '    ')}`);
  return lines;
}
