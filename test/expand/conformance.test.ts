import { ExpansionError } from '../../src/errors';
import { envFromAssignments, expandWord, expandWords } from '../../src/expand';
import { describeWithConformanceData } from '../support/conformance';
import { ENV_VAR_TEST_ENV, readEnvVarVectors, readWordsVectors } from './buildkit-vectors';

describeWithConformanceData('BuildKit envVarTest (ProcessWord)', (dir) => {
  // A vectors hold on every platform; W vectors describe Windows, where names compare case-insensitively.
  const vectors = readEnvVarVectors(dir).filter((vector) => vector.platform !== 'W');
  const env = envFromAssignments(ENV_VAR_TEST_ENV);

  it('reads every unix vector from the file', () => {
    expect(vectors.length).toBe(228);
  });

  test.each(vectors.map((vector) => [`line ${vector.line}: ${vector.platform}|${vector.input}`, vector] as const))(
    '%s',
    (_name, vector) => {
      if (vector.expected === undefined) {
        expect(() => expandWord(vector.input, env)).toThrow(ExpansionError);
      } else {
        expect(expandWord(vector.input, env)).toBe(vector.expected);
      }
    },
  );
});

describeWithConformanceData('BuildKit wordsTest (ProcessWords)', (dir) => {
  const vectors = readWordsVectors(dir);

  it('reads every case from the file', () => {
    expect(vectors.length).toBe(24);
  });

  test.each(vectors.map((vector) => [`line ${vector.line}: ${vector.input}`, vector] as const))('%s', (_name, vector) => {
    const env = envFromAssignments(vector.env);
    if (vector.expected === undefined) {
      expect(() => expandWords(vector.input, env)).toThrow(ExpansionError);
    } else {
      expect(expandWords(vector.input, env)).toEqual(vector.expected);
    }
  });
});
