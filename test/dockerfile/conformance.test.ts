import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpSyntaxTree, parseSyntax } from '../../src/dockerfile';
import { DockerfileSyntaxError } from '../../src/errors';
import { describeWithConformanceData } from '../support/conformance';

describeWithConformanceData('BuildKit parser golden files', (root) => {
  const positive = readdirSync(join(root, 'testfiles')).sort();
  const negative = readdirSync(join(root, 'testfiles-negative')).sort();

  it('has the full corpus', () => {
    expect(positive.length).toBeGreaterThanOrEqual(33);
    expect(negative.length).toBeGreaterThanOrEqual(4);
  });

  it.each(positive)('%s dumps byte for byte like BuildKit', (name) => {
    const text = readFileSync(join(root, 'testfiles', name, 'Dockerfile'), 'utf8');
    const expected = readFileSync(join(root, 'testfiles', name, 'result'), 'utf8');
    expect(dumpSyntaxTree(parseSyntax(text, `${name}/Dockerfile`))).toBe(expected);
  });

  it.each(negative)('%s is rejected with a located error', (name) => {
    const text = readFileSync(join(root, 'testfiles-negative', name, 'Dockerfile'), 'utf8');
    let caught: unknown;
    try {
      parseSyntax(text, `${name}/Dockerfile`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DockerfileSyntaxError);
    const error = caught as DockerfileSyntaxError;
    expect(error.location.file).toBe(`${name}/Dockerfile`);
    expect(error.location.line).toBeGreaterThanOrEqual(1);
    expect(error.format()).toMatch(new RegExp(`^${name}/Dockerfile:\\d+:\\d+: \\S`));
  });
});
