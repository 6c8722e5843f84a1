/**
 * WORKDIR and COPY destinations per platform, following moby/buildkit util/system/path.go (`NormalizeWorkdir`,
 * `NormalizePath`, `CheckSystemDriveAndRemoveDriveLetter`) as dockerfile2llb/convert.go's `dispatchWorkdir` and
 * `pathRelativeToWorkingDir` call them. The vectors of the first two tables are those of BuildKit's
 * util/system/path_test.go (TestNormalizeWorkdirWindows, TestNormalizeWorkdir).
 */
import { parseDockerfile } from '../../src/dockerfile';
import { resolveStages } from '../../src/stages';
import { normalizeWorkdir, pathRelativeToWorkdir } from '../../src/stages/paths';
import { inferredPlatform } from '../../src/stages/platform';

describe('NormalizeWorkdir on Windows (path_test.go TestNormalizeWorkdirWindows)', () => {
  const cases: Array<[string, string, string]> = [
    ['', 'test', '\\test'],
    ['', '\\strippedWd', '\\strippedWd'],
    ['', 'C:\\withDriveLetter', '\\withDriveLetter'],
    ['', 'C:/withDriveLetterAndForwardSlash', '\\withDriveLetterAndForwardSlash'],
    ['', 'C:/first\\second/third', '\\first\\second\\third'],
    ['testing', '', '\\testing'],
    ['testing', 'newTesting', '\\testing\\newTesting'],
    ['testing/with\\mixed/slashes', 'newTesting', '\\testing\\with\\mixed\\slashes\\newTesting'],
    ['C:\\testing/with\\mixed/slashes', 'newTesting', '\\testing\\with\\mixed\\slashes\\newTesting'],
    ['C:\\testing/with\\mixed/slashes', '', '\\testing\\with\\mixed\\slashes'],
    ['/test', 'C:testing', '\\test\\testing'],
    ['C:\\..\\test\\..\\', '', '\\'],
    ['/test', 'relative/path', '\\test\\relative\\path'],
  ];
  it.each(cases)('%j + %j → %j', (current, path, expected) => {
    expect(normalizeWorkdir(current, path, 'windows')).toBe(expected);
  });

  it.each([
    ['D:\\IWillErrorOut', 'doesNotMatter', 'The specified path is not on the system drive (C:)'],
    ['C:\\testing', 'D:\\testing', 'The specified path is not on the system drive (C:)'],
    ['C:', 'testing', 'No relative path specified in "C:"'],
    ['/test', 'C:', 'No relative path specified in "C:"'],
    ['/test', '\\\\server\\share', 'UNC paths are not supported'],
  ])('%j + %j fails: %s', (current, path, message) => {
    expect(() => normalizeWorkdir(current, path, 'windows')).toThrow(message);
  });
});

describe('NormalizeWorkdir on Linux (path_test.go TestNormalizeWorkdir, TestNormalizeWorkdirUnix)', () => {
  it.each([
    ['', 'test', '/test'],
    ['', '/strippedWd', '/strippedWd'],
    ['/test', 'subdir', '/test/subdir'],
    ['/test', '../subdir', '/subdir'],
    ['/test', '/current', '/current'],
    ['test', 'current', '/test/current'],
    ['test', '', '/test'],
    ['/test', '', '/test'],
    // A drive letter means nothing on Linux: `C:/build` is a relative directory name.
    ['/src', 'C:/build', '/src/C:/build'],
  ])('%j + %j → %j', (current, path, expected) => {
    expect(normalizeWorkdir(current, path, 'linux')).toBe(expected);
  });
});

describe('COPY destinations (pathRelativeToWorkingDir: drive removed, trailing slash kept, `.` is the directory)', () => {
  it.each([
    ['/app', '.', 'linux', '/app/'],
    ['/app', 'lib/', 'linux', '/app/lib/'],
    ['/app', '/etc/x', 'linux', '/etc/x'],
    ['\\go', 'C:\\gopath\\bin\\', 'windows', '/gopath/bin/'],
    ['\\go', 'src', 'windows', '/go/src'],
  ])('%j + %j on %s → %j', (workdir, path, os, expected) => {
    expect(pathRelativeToWorkdir(workdir, path, os)).toBe(expected);
  });
});

describe('Windows Dockerfiles (# escape=` or a Windows base image) read for Windows', () => {
  const graphOf = (text: string, platform?: string) => resolveStages(parseDockerfile(text).dockerfile, { platform });

  it('infers Windows from the escape directive or a Windows base image, Linux otherwise', () => {
    expect(inferredPlatform(parseDockerfile('# escape=`\nFROM golang:1.22\n').dockerfile)).toMatch(/^windows\//);
    expect(inferredPlatform(parseDockerfile('FROM mcr.microsoft.com/windows/servercore:ltsc2022\n').dockerfile)).toMatch(/^windows\//);
    expect(inferredPlatform(parseDockerfile('FROM golang:1.22-windowsservercore-ltsc2022\n').dockerfile)).toMatch(/^windows\//);
    expect(inferredPlatform(parseDockerfile('FROM golang:1.22-bookworm\n').dockerfile)).toMatch(/^linux\//);
  });

  it('does not nest a repeated drive-letter WORKDIR (the issue-17 shape)', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:/build/import\nWORKDIR C:/build/import\nWORKDIR C:\\go\nENV GOPATH C:\\gopath';
    const graph = graphOf(text);
    expect(graph.stages[0].contract.workdir).toBe('\\go');
  });

  it('resolves relative WORKDIRs and COPY destinations against a Windows working directory', () => {
    const graph = graphOf('# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\nWORKDIR bin\nCOPY app.exe .');
    expect(graph.stages[0].contract.workdir).toBe('\\app\\bin');
    expect(graph.stages[0].copies[0].destination).toBe('/app/bin/');
  });

  it('reads a Windows file for Linux when --platform says so, as BuildKit on Linux would', () => {
    const graph = graphOf('# escape=`\nFROM golang:1.22\nWORKDIR C:/build\n', 'linux/amd64');
    expect(graph.stages[0].contract.workdir).toBe('/C:/build');
  });

  it('refuses a WORKDIR on another drive, in a needed stage only', () => {
    expect(() => graphOf('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR D:\\data')).toThrow(
      'normalizing workdir: normalizing working directory: removing drive letter: The specified path is not on the system drive (C:)',
    );
    expect(() => graphOf('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS unused\nWORKDIR D:\\data\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo')).not.toThrow();
  });

  it('takes the OS of FROM --platform over the target platform', () => {
    const graph = graphOf('FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win\nWORKDIR C:/x\nFROM --platform=linux/amd64 alpine:3.20\nWORKDIR C:/x', 'linux/amd64');
    expect(graph.stages.map((stage) => stage.contract.workdir)).toEqual(['\\x', '/C:/x']);
  });
});
