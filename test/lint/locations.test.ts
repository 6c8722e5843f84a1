/**
 * Findings about one command of a RUN point at that command's words in the Dockerfile — through continuation
 * lines, comment lines inside them, heredoc bodies and `<<-` tab stripping — not at the first package command
 * of the RUN (the issue-17 shape: a second `apt-get install` reported at the first `apt-get`).
 */
import { lint } from '../../src/lint/linter';
import { ALL_RULES } from '../../src/lint/rules';

function findingsOf(ruleId: string, code: string) {
  const rule = ALL_RULES.find((candidate) => candidate.meta.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return lint({ dockerfile: { text: code, file: 'Dockerfile' }, rules: [rule] }).findings.map((finding) => finding.location);
}

/** The text a location covers, on one line. */
function covered(code: string, location: { line?: number; column?: number; endColumn?: number }): string {
  const line = code.split('\n')[(location.line ?? 1) - 1];
  return line.slice((location.column ?? 1) - 1, (location.endColumn ?? 1) - 1);
}

describe('findings located on the exact command inside a RUN', () => {
  it('points at the second apt-get install, on its continuation line', () => {
    const code = [
      'FROM debian:12-slim',
      'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\',
      '    # the second install forgets the flag',
      '    && apt-get install -y python3 \\',
      '    && rm -rf /var/lib/apt/lists/*',
    ].join('\n');
    const [location] = findingsOf('apt-install-recommends', code);
    expect(location).toMatchObject({ line: 4, column: 27, endLine: 4 });
    expect(covered(code, location)).toBe('python3');
  });

  it('points at the apt-get update that leaves its lists, not at an earlier package command', () => {
    const code = 'FROM debian:12-slim\nRUN pip install --no-cache-dir flask \\\n && apt-get update && apt-get install -y --no-install-recommends curl';
    const [location] = findingsOf('package-cache-not-cleaned', code);
    expect(location.line).toBe(3);
    expect(covered(code, location)).toBe('apt-get');
    expect(location.column).toBe(5);
  });

  it('points at the rm argument that deletes an earlier layer, inside a heredoc', () => {
    const code = 'FROM debian:12\nCOPY app.deb /tmp/app.deb\nRUN <<EOF\nset -e\ndpkg -i /tmp/app.deb\nrm -f /tmp/app.deb\nEOF';
    const [location] = findingsOf('cleanup-in-separate-layer', code);
    expect(location).toMatchObject({ line: 6, column: 7 });
    expect(covered(code, location)).toBe('/tmp/app.deb');
  });

  it('counts the tabs a <<- heredoc strips', () => {
    const code = 'FROM debian:12\nRUN apt-get update\nRUN <<-EOF\n\t\tset -e\n\t\trm -rf /var/lib/apt/lists/*\n\tEOF';
    const [location] = findingsOf('cleanup-in-separate-layer', code);
    expect(location).toMatchObject({ line: 5 });
    expect(covered(code, location)).toBe('/var/lib/apt/lists/*');
  });

  it('keeps columns after an indented first line and a heredoc appended to a shell line', () => {
    const code = 'FROM debian:12\n  RUN apt-get update && cat > /etc/x <<EOF && apt-get install -y curl\nsome=config\nEOF';
    const [location] = findingsOf('apt-install-recommends', code);
    expect(location.line).toBe(2);
    expect(covered(code, location)).toBe('curl');
  });
});
