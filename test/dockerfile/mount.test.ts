/**
 * `RUN --mount` as BuildKit reads it: moby/buildkit frontend/dockerfile/instructions/commands_runmount.go
 * (`parseMount`, run once without an expander when the Dockerfile is parsed and once with the stage's variables
 * when the stage is dispatched) and dockerfile2llb/convert_runmount.go (`dispatchRunMounts`), convert_ssh.go.
 * Each expected error below is the text BuildKit's `errors.Errorf` produces for that input.
 */
import { parseDockerfile } from '../../src/dockerfile';
import { csvFields, parseMount, readMount } from '../../src/dockerfile/mount';
import { resolveStages } from '../../src/stages';

const literal = (word: string): string => word;

describe('parse-time pass (parseMount without an expander)', () => {
  it('reads CSV like go-csvvalue: quoted fields, doubled quotes, and errors on stray quotes', () => {
    expect(csvFields('type=cache,"target=/a,b",id=x')).toEqual(['type=cache', 'target=/a,b', 'id=x']);
    expect(csvFields('"a""b"')).toEqual(['a"b']);
    expect(() => csvFields('target=/a"b')).toThrow('parse error on line 1, column 10: bare " in non-quoted-field');
    expect(() => csvFields('"abc"x')).toThrow('extraneous or missing " in quoted-field');
    expect(parseMount('target="x').problem).toMatch(/^failed to parse csv mounts: parse error on line 1, column 8: bare "/);
  });

  it('refuses a variable in from= anywhere but at the very end', () => {
    expect(parseMount('from=$STAGE,target=/x').problem).toBe(`'from' doesn't support variable expansion, define alias stage instead`);
    expect(parseMount('FROM=build${V},target=/x').problem).toMatch(/doesn't support variable expansion/);
    expect(parseMount('from=build$,target=/x').problem).toBeUndefined();
  });

  it('accepts everything else until dispatch: bare keys, unknown keys and bad values are not judged yet', () => {
    for (const value of ['type=bogus,target=/x', 'sharing=bogus,type=cache,target=/x', 'foo,target=/x', 'mode=999,target=/x']) {
      expect(parseMount(value).problem).toBeUndefined();
    }
  });

  it('needs no target: `--mount=from=binaries` mounts at the working directory', () => {
    expect(parseMount('from=binaries')).toEqual({ mount: { type: 'bind', from: 'binaries', readOnly: true, options: { from: 'binaries' } } });
  });

  it('reads the defaults: bind, read-only for bind/secret/ssh, read-write for cache and tmpfs, ro/rw override', () => {
    const ro = (value: string): boolean | undefined => parseMount(value).mount?.readOnly;
    expect(parseMount('target=/x').mount?.type).toBe('bind');
    expect([ro('target=/x'), ro('type=secret,id=a'), ro('type=ssh'), ro('type=cache,target=/c'), ro('type=tmpfs,target=/t')]).toEqual([true, true, true, false, false]);
    expect([ro('target=/x,rw'), ro('type=cache,target=/c,ro'), ro('target=/x,readwrite=true'), ro('type=cache,target=/c,readonly=1')]).toEqual([false, true, false, true]);
  });
});

describe('dispatch-time pass (parseMount with the stage expander)', () => {
  const problem = (value: string): string | undefined => readMount(value, literal).problem;

  it('validates type and sharing with BuildKit suggestions', () => {
    expect(problem('type=bogus,target=/x')).toBe('unsupported mount type "bogus"');
    expect(problem('type=cahce,target=/x')).toBe('unsupported mount type "cahce" (did you mean cache?)');
    expect(problem('type=CACHE,target=/x')).toBeUndefined();
    expect(problem('type=cache,target=/x,sharing=bogus')).toBe('unsupported sharing value "bogus"');
    expect(problem('type=cache,target=/x,sharing=lockd')).toBe('unsupported sharing value "lockd" (did you mean locked?)');
    expect(problem('type=cache,target=/x,sharing=LOCKED')).toBeUndefined();
  });

  it('allows sharing only on cache mounts, and mode/uid/gid only on cache, secret and ssh', () => {
    expect(problem('target=/x,sharing=shared')).toBe('invalid cache sharing set for bind mount');
    expect(problem('type=tmpfs,target=/x,sharing=private')).toBe('invalid cache sharing set for tmpfs mount');
    expect(problem('type=secret,id=a,sharing=shared')).toBe('secret mount should not define sharing');
    expect(problem('target=/x,mode=0755')).toBe('mode not allowed for "bind" type mounts');
    expect(problem('type=tmpfs,target=/x,uid=1')).toBe('uid not allowed for "tmpfs" type mounts');
    expect(problem('target=/x,gid=1')).toBe('gid not allowed for "bind" type mounts');
    expect(problem('type=cache,target=/x,mode=0755,uid=1000,gid=1000')).toBeUndefined();
    expect(problem('type=secret,id=a,mode=0400,uid=10')).toBeUndefined();
  });

  it('reads mode as octal and uid/gid as decimal 32-bit numbers (strconv.ParseUint)', () => {
    expect(problem('type=cache,target=/x,mode=0789')).toBe('invalid value 0789 for mode');
    expect(problem('type=cache,target=/x,mode=-1')).toBe('invalid value -1 for mode');
    expect(problem('type=cache,target=/x,uid=abc')).toBe('invalid value abc for uid');
    expect(problem('type=cache,target=/x,gid=4294967296')).toBe('invalid value 4294967296 for gid');
    expect(problem('type=cache,target=/x,uid=4294967295')).toBeUndefined();
  });

  it('takes required only for secret and ssh, in field order, with Go booleans', () => {
    expect(problem('type=secret,id=a,required')).toBeUndefined();
    expect(problem('type=ssh,required=true')).toBeUndefined();
    expect(problem('required,type=secret,id=a')).toBe("unexpected key 'required' for mount type 'bind'");
    expect(problem('type=cache,target=/x,required=true')).toBe("unexpected key 'required' for mount type 'cache'");
    expect(problem('type=secret,id=a,required=yes')).toBe('invalid value for required: yes');
    expect(problem('target=/x,ro=maybe')).toBe('invalid value for ro: maybe');
    expect(problem('target=/x,rw=T')).toBeUndefined();
  });

  it('takes size only for tmpfs, in docker/go-units RAM units', () => {
    expect(problem('type=tmpfs,target=/t,size=64m')).toBeUndefined();
    expect(problem('type=tmpfs,target=/t,size=1.5 GiB')).toBeUndefined();
    expect(problem('type=tmpfs,target=/t,size=10q')).toBe('invalid value for size: 10q');
    expect(problem('type=cache,target=/t,size=64m')).toBe("unexpected key 'size' for mount type 'cache'");
  });

  it('checks secret and ssh mounts as BuildKit does', () => {
    expect(problem('type=secret,env=TOKEN')).toBe('invalid secret mount. one of source, target required');
    expect(problem('type=secret,id=a,env=TOKEN')).toBeUndefined();
    expect(problem('type=secret,id=a,src=/f')).toBe("both source and id can't be set");
    expect(problem('type=secret,from=x,id=a')).toBe('secret mount should not have a from');
    expect(problem('type=ssh,source=/x')).toBe('ssh does not support source');
  });

  it('refuses bare and unknown keys', () => {
    expect(problem('target=/x,foo')).toBe("invalid field 'foo' must be a key=value pair");
    expect(problem('target=/x,trget=/y')).toBe("unexpected key 'trget' in 'trget=/y' (did you mean target?)");
    expect(problem('target=/x,color=red')).toBe("unexpected key 'color' in 'color=red'");
  });

  it('expands values before reading them', () => {
    const expand = (word: string): string => word.replace('$MODE', 'locked');
    expect(readMount('type=cache,target=/x,sharing=$MODE', expand).problem).toBeUndefined();
  });
});

describe('mount errors at dispatch: only for stages the target needs', () => {
  const resolve = (text: string, target?: string) => resolveStages(parseDockerfile(text).dockerfile, { target, platform: 'linux/amd64' });

  it('fails a needed stage with sharing=bogus, at its line', () => {
    expect(() => resolve('FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache,sharing=bogus true')).toThrow(
      expect.objectContaining({ message: 'unsupported sharing value "bogus"', location: expect.objectContaining({ line: 2 }) }),
    );
  });

  it('ignores the same mount in a stage BuildKit never dispatches', () => {
    const graph = resolve('FROM alpine:3.20 AS unused\nRUN --mount=type=cache,target=/x,sharing=bogus true\nFROM alpine:3.20\nRUN true');
    expect(graph.unused).toEqual([0]);
  });

  it('expands a mount value with the stage variables', () => {
    expect(() => resolve('FROM alpine:3.20\nARG SHARING=locked\nRUN --mount=type=cache,target=/x,sharing=$SHARING true')).not.toThrow();
    expect(() => resolve('FROM alpine:3.20\nARG SHARING=sometimes\nRUN --mount=type=cache,target=/x,sharing=$SHARING true')).toThrow('unsupported sharing value "sometimes"');
  });

  it('accepts a mount without target (the working directory), refuses one that lands on /', () => {
    const text = 'FROM alpine:3.20 AS binaries\nFROM alpine:3.20\nWORKDIR /src\nRUN --mount=from=binaries ls';
    expect(resolve(text).stages[1].dependencies).toContainEqual({ via: 'mount', stage: 0, line: 4 });
    expect(() => resolve('FROM scratch AS binaries\nFROM scratch\nRUN --mount=from=binaries ["/bin/ls"]')).toThrow('invalid mount target "/"');
    expect(() => resolve('FROM alpine:3.20\nRUN --mount=type=cache,target=/ true')).toThrow('invalid mount target "/"');
    // The base image may set a working directory the Dockerfile does not show: not judged.
    expect(() => resolve('FROM golang:1.22 AS b\nFROM golang:1.22\nRUN --mount=from=b go version')).not.toThrow();
  });
});
