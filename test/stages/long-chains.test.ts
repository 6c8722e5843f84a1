import { parseDockerfile } from '../../src/dockerfile';
import { resolveStages } from '../../src/stages';
import { PersistentList, PersistentMap } from '../../src/stages/persistent-map';

function graph(text: string, target?: string) {
  return resolveStages(parseDockerfile(text, { file: 'Dockerfile' }).dockerfile, { platform: 'linux/amd64', target });
}

describe('long stage chains', () => {
  const count = 10_000;
  const lines = ['FROM scratch AS s0'];
  for (let index = 1; index < count; index++) {
    lines.push(`FROM s${index - 1} AS s${index}`, `ENV V${index}=\${V${index - 1}:+after-}${index}`, `COPY --from=s${index - 1} /a /b${index}`);
  }
  const chain = graph(`${lines.join('\n')}\n`);

  it('resolves 10k stages, each FROM the one before, with every stage needed in build order', () => {
    expect(chain.target).toBe(count - 1);
    expect(chain.needed).toEqual(Array.from({ length: count }, (_, index) => index));
    expect(chain.unused).toEqual([]);
  });

  it('lets each stage inherit its parent\'s ENV and copies, and no more', () => {
    const last = chain.stages[count - 1];
    expect(Object.keys(last.contract.env)).toHaveLength(count - 1);
    expect(last.contract.env.V3).toBe('after-3');
    expect(last.contract.env[`V${count - 1}`]).toBe(`after-${count - 1}`);
    expect(last.copies).toHaveLength(count - 1);
    expect(last.copies[0]).toMatchObject({ from: 's0', destination: '/b1' });
    const middle = chain.stages[5];
    expect(middle.contract.env).toEqual({ V1: '1', V2: 'after-2', V3: 'after-3', V4: 'after-4', V5: 'after-5' });
    expect(middle.copies.map((copy) => copy.destination)).toEqual(['/b1', '/b2', '/b3', '/b4', '/b5']);
  });

  it('walks a 10k-deep COPY --from chain from any target', () => {
    const copies = ['FROM scratch AS s0'];
    for (let index = 1; index < count; index++) copies.push(`FROM scratch AS s${index}`, `COPY --from=s${index - 1} /a /a`);
    const result = graph(`${copies.join('\n')}\n`, `s${count - 2}`);
    expect(result.needed).toHaveLength(count - 1);
    expect(result.unused).toEqual([count - 1]);
  });
});

describe('PersistentMap', () => {
  it('behaves as a Map that keeps every earlier version, in first-set order', () => {
    const reference = new Map<string, number>();
    let map = PersistentMap.empty<number>();
    const versions: [PersistentMap<number>, [string, number][]][] = [];
    for (let step = 0; step < 20_000; step++) {
      const key = `k${(step * 7919) % 5000}`;
      reference.set(key, step);
      map = map.set(key, step);
      if (step % 2500 === 0) versions.push([map, [...reference]]);
    }
    expect(map.entries()).toEqual([...reference]);
    expect(map.size).toBe(reference.size);
    for (const [version, entries] of versions) expect(version.entries()).toEqual(entries);
    expect(map.get('missing')).toBeUndefined();
    expect(map.has('k0')).toBe(true);
  });

  it('keeps keys whose hashes collide apart', () => {
    // "costarring" and "liquid" collide under 32-bit FNV-1a.
    const map = PersistentMap.from([['costarring', 1], ['liquid', 2]]).set('costarring', 3);
    expect(map.entries()).toEqual([['costarring', 3], ['liquid', 2]]);
  });
});

describe('PersistentList', () => {
  it('appends without changing earlier versions', () => {
    const base = PersistentList.empty<number>().append(1).append(2);
    const left = base.append(3);
    const right = base.append(4);
    expect([base.toArray(), left.toArray(), right.toArray()]).toEqual([[1, 2], [1, 2, 3], [1, 2, 4]]);
  });
});
