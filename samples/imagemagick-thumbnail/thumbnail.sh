#!/bin/sh
# Scales an image down and describes the result: its format and size, then every pixel as text.
set -eu

src=${1:?usage: thumbnail SOURCE [GEOMETRY]}
geometry=${2:-50%}
out=/tmp/thumbnail.png

identify -format 'source: %m %wx%h\n' "$src"
convert "$src" -scale "$geometry" "$out"
identify -format 'thumbnail: %m %wx%h\n' "$out"
convert "$out" -depth 8 txt:-
