#!/bin/sh
# Render the greeter's config from the environment, make its data directory, then hand over to the command.
set -eu

: "${GREETING:=Hello}"
: "${TARGET:=world}"
: "${GREETER_DATA_DIR:=/var/lib/greeter}"

mkdir -p "$GREETER_DATA_DIR"

# sed with '|' as the delimiter so paths in values do not need escaping.
sed -e "s|@GREETING@|${GREETING}|g" \
    -e "s|@TARGET@|${TARGET}|g" \
    -e "s|@DATA_DIR@|${GREETER_DATA_DIR}|g" \
    /etc/greeter/config.json.template >/etc/greeter/config.json

date -u +%Y-%m-%dT%H:%M:%SZ >"$GREETER_DATA_DIR/started-at"

exec "$@"
