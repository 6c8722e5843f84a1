/**
 * Image references as `docker pull` reads them: `[registry[:port]/]path[:tag][@digest]`. Only the split the
 * lint rules need (is there a tag, which, is there a digest); no normalization to `docker.io/library/…`.
 */

export interface ImageReference {
  /** Everything before the tag and digest, registry included (`localhost:5000/app`). */
  repository: string;
  /** Registry host when given (`gcr.io`); undefined for Docker Hub, also when spelled `docker.io`. */
  registry?: string;
  /** The repository without the registry and without Docker Hub's `library/` (`debian`, `distroless/static-debian12`). */
  path: string;
  /** Last segment of the path (`debian`, `static-debian12`). */
  name: string;
  tag?: string;
  /** `sha256:…` after `@`. */
  digest?: string;
}

export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const named = at >= 0 ? reference.slice(0, at) : reference;
  // A colon after the last slash separates the tag; one before it belongs to a registry port.
  const colon = named.lastIndexOf(':');
  const tagged = colon > named.lastIndexOf('/');
  const repository = tagged ? named.slice(0, colon) : named;
  // The first segment is a registry when it looks like a host (docker's reference grammar).
  const slash = repository.indexOf('/');
  const first = slash >= 0 ? repository.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry && first !== 'docker.io' && first !== 'index.docker.io' ? first : undefined;
  const withoutHost = hasRegistry ? repository.slice(slash + 1) : repository;
  const path = registry === undefined ? withoutHost.replace(/^library\//, '') : withoutHost;
  return {
    repository,
    ...(registry ? { registry } : {}),
    path,
    name: path.slice(path.lastIndexOf('/') + 1),
    ...(tagged ? { tag: named.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Why a reference does not pin what it pulls: it has no tag (Docker then pulls `latest`) or its tag is
 * `latest`. A digest pins it whatever the tag says.
 */
export function unpinnedTag(reference: string): 'no tag' | 'latest' | undefined {
  const { tag, digest } = parseImageReference(reference);
  if (digest !== undefined) return undefined;
  if (tag === undefined || tag === '') return 'no tag';
  return tag === 'latest' ? 'latest' : undefined;
}

/**
 * Images known to run as a non-root user when the Dockerfile sets none: distroless's `nonroot` tags in all
 * their spellings (`:nonroot`, `:debug-nonroot`, `:nonroot-amd64`, `:debug-nonroot-arm64`, each possibly
 * pinned by digest) and images whose name ends in `-nonroot`.
 */
export function isKnownNonRootImage(reference: string): boolean {
  const { repository, tag } = parseImageReference(reference);
  return (tag !== undefined && tag.split(/[-_.]/).includes('nonroot')) || repository.endsWith('-nonroot');
}

/**
 * Docker Official Images (the `library/` namespace) often named bare in `COPY --from`. A bare name that is
 * not one of them is more likely a build context named by `docker buildx bake` or `--build-context NAME=…`,
 * which BuildKit resolves before it would pull an image of that name.
 */
const OFFICIAL_IMAGES = new Set([
  'adminer', 'alpine', 'amazoncorretto', 'amazonlinux', 'almalinux', 'archlinux', 'bash', 'busybox', 'caddy', 'cassandra', 'centos',
  'clojure', 'composer', 'consul', 'couchdb', 'debian', 'docker', 'eclipse-temurin', 'elasticsearch', 'elixir', 'erlang', 'fedora',
  'flink', 'gcc', 'ghost', 'golang', 'gradle', 'groovy', 'haproxy', 'haskell', 'httpd', 'influxdb', 'jenkins', 'jetty', 'julia',
  'kibana', 'kong', 'logstash', 'mariadb', 'maven', 'memcached', 'mongo', 'mysql', 'nats', 'neo4j', 'nextcloud', 'nginx', 'node',
  'openjdk', 'oraclelinux', 'perl', 'photon', 'php', 'postgres', 'pypy', 'python', 'rabbitmq', 'redis', 'redmine', 'registry',
  'rockylinux', 'ruby', 'rust', 'sonarqube', 'swift', 'telegraf', 'tomcat', 'traefik', 'ubuntu', 'vault', 'wordpress', 'zookeeper',
]);

/** Whether a `--from` value may name a build context rather than an image: one bare name that is not an official image. */
export function mayBeNamedContext(reference: string): boolean {
  const { registry, path, tag, digest } = parseImageReference(reference);
  return registry === undefined && tag === undefined && digest === undefined && !path.includes('/') && !OFFICIAL_IMAGES.has(path);
}
