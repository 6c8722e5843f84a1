/**
 * BuildKit's verdicts in test/corpus/verdicts.json were recorded with the engine (`npm run corpus-verdicts`);
 * this asks the engine again about one file of each kind — every distinct rejection, and three accepted files —
 * so a verdict file that no longer matches the engine's frontend shows here. The engine cannot pull images: a
 * build that gets as far as resolving its base image is a Dockerfile the frontend accepted. (Not every file: a
 * build that does get to run can wait minutes on the network.)
 */
import { engineVerdict } from '../../scripts/corpus-verdicts';
import { describeWithDocker } from '../support/docker';
import { corpusSources, corpusText, readJson, VERDICTS_PATH, type Verdicts } from './corpus';

const verdicts = readJson<Verdicts>(VERDICTS_PATH);
const sources = corpusSources();

/** The first file of each distinct engine message (its line number left out), and the first three accepted. */
function sampled(): typeof sources {
  const kinds = new Map<string, number>();
  return sources.filter((source) => {
    const { engine } = verdicts[source.id];
    const kind = engine.verdict === 'accepted' ? 'accepted' : (engine.message ?? '').replace(/line \d+/, 'line N');
    const seen = kinds.get(kind) ?? 0;
    kinds.set(kind, seen + 1);
    return seen < (kind === 'accepted' ? 3 : 1);
  });
}

describeWithDocker('BuildKit’s recorded verdicts on the corpus', () => {
  it.each(sampled().map((source) => [source.id, source] as const))('%s: the engine says what verdicts.json recorded', async (id, source) => {
    expect(await engineVerdict(corpusText(source))).toEqual(verdicts[id].engine);
  }, 120_000);
});
