#!/bin/sh
# Daily report for a German team: dates, numbers and error messages all follow LANG.
set -u

echo "Stichtag: $(date -u -d @0 '+%A, %-d. %B %Y')"
echo "Bestand: $(numfmt --grouping 1234567) Artikel"
# The archive is mounted on the first of the month only; report its state in the user's language.
if ! listing=$(ls /srv/archiv 2>&1); then
  echo "Archiv: $listing"
fi
