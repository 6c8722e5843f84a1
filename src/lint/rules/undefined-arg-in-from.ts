/**
 * A FROM line using a variable that is not a global ARG (declared before the first FROM) nor one of BuildKit's
 * predefined platform ARGs: it expands to nothing (`FROM node:${NODE_VERSION}` → `node:`). BuildKit's
 * UndefinedArgInFrom check, with its "did you mean" suggestion.
 */
import { platformArgs } from '../../stages/scope';
import { editDistance } from '../../dockerfile';
import type { DockerfileLintRule } from '../types';

/** Names a word references (`$A`, `${B}`, `${C:-x}`). */
export function referencedNames(word: string): string[] {
  return [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
}

export const undefinedArgInFrom: DockerfileLintRule = {
  meta: {
    id: 'undefined-arg-in-from',
    kind: 'dockerfile',
    category: 'correctness',
    severity: 'warning',
    description: 'FROM uses a variable that is not declared by a global ARG.',
    rationale: 'FROM lines see only the ARGs declared before the first FROM and the predefined platform ARGs. Any other variable, an ENV or a stage ARG included, expands to an empty string, so the build pulls another image than intended or fails.',
    fix: 'Declare the variable before the first FROM (`ARG NODE_VERSION=20`), or fix its spelling.',
    related: { buildkit: 'UndefinedArgInFrom' },
    example: { bad: 'FROM node:${NODE_VERSION}-slim', good: 'ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-slim' },
  },
  check(context) {
    const declared = new Set([...Object.keys(platformArgs()), 'TARGETSTAGE', 'BUILDOSVERSION', 'TARGETOSVERSION']);
    for (const instruction of context.dockerfile.globalArgs) for (const arg of instruction.args) declared.add(arg.name);
    for (const stage of context.dockerfile.stages) {
      const words = [stage.from.image, ...(stage.from.platform ? [stage.from.platform] : [])];
      for (const name of new Set(words.flatMap(referencedNames))) {
        if (declared.has(name)) continue;
        const suggestion = [...declared].filter((candidate) => editDistance(candidate, name) < 3).sort((a, b) => editDistance(a, name) - editDistance(b, name))[0];
        context.report({
          instruction: stage.from,
          near: name,
          message: `FROM argument '${name}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
          data: { name },
        });
      }
    }
  },
};
