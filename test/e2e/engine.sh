#!/usr/bin/env bash
# Make a real Docker Engine and the offline base images available on this machine.
#
# Idempotent: installs only what is missing, starts dockerd only when it is not answering, and builds the
# base images only when the engine does not have them yet. Safe to run before every test run.
#
# Why each step exists:
# - Debian's docker.io gives dockerd + /usr/bin/docker (20.10, BuildKit built in). A /usr/local/bin/docker
#   client earlier on PATH may lack buildx, so everything here calls /usr/bin/docker by full path.
# - No image registry is reachable, so debian:bookworm and debian:bookworm-slim are made with debootstrap.
# - Containers do not trust the TLS chain the host uses for the package registries; the host bundle is put
#   into the base images as a file (and an npmrc cafile) so `npm ci` works in builds, without touching ENV.
set -euo pipefail

DOCKER=/usr/bin/docker
export DEBIAN_FRONTEND=noninteractive
log() { printf '[engine] %s\n' "$*" >&2; }

install_packages() {
  local need=()
  [ -x /usr/sbin/dockerd ] || need+=(docker.io)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v skopeo >/dev/null || need+=(skopeo)
  command -v umoci >/dev/null || need+=(umoci)
  command -v strace >/dev/null || need+=(strace)
  [ -x /usr/bin/lddtree ] || need+=(pax-utils)
  /usr/bin/python3 -c 'import elftools' 2>/dev/null || need+=(python3-pyelftools)
  command -v buildah >/dev/null || need+=(buildah)
  # The host tier (*.host.test.ts): gcc builds its test programs (static ones need libc6-dev), readelf is an
  # oracle, and these programs are read as ELF files.
  command -v gcc >/dev/null || need+=(gcc)
  [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
  command -v readelf >/dev/null || need+=(binutils)
  command -v ssh >/dev/null || need+=(openssh-client)
  command -v git >/dev/null || need+=(git)
  command -v curl >/dev/null || need+=(curl)
  command -v openssl >/dev/null || need+=(openssl)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" ca-certificates iptables pigz xz-utils >/dev/null
  fi
}

start_dockerd() {
  if $DOCKER info >/dev/null 2>&1; then return 0; fi
  if ! pgrep -x dockerd >/dev/null; then
    # A killed dockerd leaves its pid file behind, and the next start refuses to run while it exists.
    rm -f /var/run/docker.pid
    log "starting dockerd"
    # 9>&-: dockerd must not inherit the lock's descriptor, or it holds the lock for as long as it runs and
    # the next run of this script waits forever.
    nohup /usr/sbin/dockerd >/var/log/scratchify-dockerd.log 2>&1 9>&- &
  fi
  for _ in $(seq 1 120); do
    if $DOCKER info >/dev/null 2>&1; then log "dockerd is ready"; return 0; fi
    sleep 0.5
  done
  log "dockerd did not become ready; last lines of its log:"
  tail -n 30 /var/log/scratchify-dockerd.log >&2 || true
  return 1
}

# Put the host's CA bundle where tools inside a build look for trust anchors, without any ENV change.
add_registry_trust() {
  local root=$1
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$root/usr/local/share/ca-certificates" "$root/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates/host-registry-ca.crt"
    # Until ca-certificates is installed in a build, the bundle path itself must exist for curl/apt/npm.
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    printf 'cafile=/usr/local/share/ca-certificates/host-registry-ca.crt\n' >"$root/etc/npmrc"
    mkdir -p "$root/usr/etc"
    cp "$root/etc/npmrc" "$root/usr/etc/npmrc"
  fi
}

# Bump when the recipe below changes, so machines that kept images from an older recipe rebuild them.
BASE_RECIPE=2
RECIPE_STAMP=/var/lib/scratchify-engine/base-images

# The stamp records the recipe and the image IDs it produced; any mismatch (new recipe, an image removed or
# retagged by hand) means the images are rebuilt.
base_images_current() {
  local ids
  ids=$($DOCKER image inspect --format '{{.Id}}' debian:bookworm debian:bookworm-slim 2>/dev/null) || return 1
  [ -f "$RECIPE_STAMP" ] && [ "$(cat "$RECIPE_STAMP")" = "$BASE_RECIPE $(echo $ids)" ]
}

make_base_images() {
  if base_images_current; then return 0; fi
  local work mirror
  work=$(mktemp -d /var/tmp/scratchify-rootfs.XXXXXX)
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  log "debootstrap bookworm from $mirror (about 2 min on 2 cores)"
  debootstrap --variant=minbase bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2; return 1; }
  local root=$work/root
  # Same apt sources as the official image, and clean caches like it does.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
    "$mirror" "$mirror" >"$root/etc/apt/sources.list"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CONF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF
  # Also as in the official image: dpkg skips its per-file fsync, which a throwaway build layer does not
  # need (installing Debian's npm takes a minute less), and apt fetches no translation indexes.
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  echo 'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb "$root/var/log/"*.log
  add_registry_trust "$root"
  tar --numeric-owner -C "$root" -c . | $DOCKER import -c 'CMD ["bash"]' - debian:bookworm >/dev/null
  # The -slim variant, like the official one: no docs, man pages or translations, now or on later installs.
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CONF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
CONF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root/usr/share/man/"* "$root/usr/share/info/"* "$root/usr/share/locale/"* "$root/usr/share/groff/"* \
    "$root/usr/share/lintian/"*
  tar --numeric-owner -C "$root" -c . | $DOCKER import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$work"
  mkdir -p "$(dirname "$RECIPE_STAMP")"
  echo "$BASE_RECIPE $(echo $($DOCKER image inspect --format '{{.Id}}' debian:bookworm debian:bookworm-slim))" >"$RECIPE_STAMP"
  log "made debian:bookworm and debian:bookworm-slim"
}

# Several test runs may share this machine (developers and CI, each in its own clone); one lock makes the
# second wait instead of racing apt, dockerd's start or a half-imported base image.
exec 9>/var/lock/scratchify-engine.lock
flock 9

install_packages
start_dockerd
make_base_images
