#!/bin/sh
# Checks the order spool, then runs the command as an unprivileged user. Every helper below is started from
# code inside a string or by another program (trap, sh -c, find -exec, xargs, env, su -c, setpriv, runuser,
# eval, gosu); each prints a line, so the output shows that it ran.
set -eu

spool=/srv/spool
work=$(mktemp -d)
trap 'rm -r "$work" && echo "trap: work dir removed"' EXIT
cp "$spool/orders.csv" "$work/"

units=$(sh -c 'awk -F";" "{ total += \$2 } END { print total }" "$1"' sh "$work/orders.csv")
echo "sh -c: $units units"

digest=$(cd "$work" && find . -name '*.csv' -exec sha256sum {} +)
echo "find -exec: $digest"

newest_first=$(echo "$work/orders.csv" | xargs tac)
echo "xargs: $(echo $newest_first)"

by_count=$(env LC_ALL=C sort -t';' -k2,2n "$work/orders.csv")
echo "env: $(echo $by_count)"

echo "su -c: $(su -s /bin/sh -c 'id -un' nobody)"
echo "setpriv: $(setpriv --reuid=nobody --regid=nogroup --clear-groups whoami)"
echo "runuser: $(runuser -u nobody -- head -n 1 "$spool/orders.csv")"
echo "eval: $(eval 'expr 6 "*" 7')"

gosu nobody "$@"
