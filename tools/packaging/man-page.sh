#!/bin/sh
# Writes a tool's man page from its own --help and --version with help2man:
#   man-page.sh TOOL OUT.1
# The description is the help's first line ("rdc-run: run a model ..."). A
# tool with subcommands (rdc-trace) gets a SUBCOMMANDS section holding each
# subcommand's --help, so that `man rdc-trace` documents export's flags too.
set -eu
dir=$(cd "$(dirname "$1")" && pwd)
name=$(basename "$1")
out=$2
# Called by name, so that usage lines say "rdc-run", not the build path.
PATH=$dir:$PATH
export PATH
description=$("$name" --help | sed -n "1s/^$name: //p")
version=$("$name" --version | awk '{ print $NF }')
include=$out.include
: >"$include"
subs=$("$name" --help | awk '/^Subcommands:/ { s = 1; next } /^[A-Z][a-z]*:/ { s = 0 } s && /^  [a-z]/ { print $1 }')
if [ -n "$subs" ]; then
  printf '[SUBCOMMANDS]\n' >>"$include"
  for sub in $subs; do
    printf '.SS %s\n.nf\n' "$name $sub" >>"$include"
    # Roff reads a leading . or ' as a request and \ as an escape.
    "$name" "$sub" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" >>"$include"
    printf '.fi\n' >>"$include"
  done
fi
printf '[SEE ALSO]\nrdc-lint(1), rdc-run(1), rdc-trace(1), rdc-dot(1), rdc-project(1)\n' >>"$include"
help2man --no-info --no-discard-stderr --version-string="$name $version" --name="$description" \
  --include="$include" --output="$out" "$name"
rm -f "$include"
