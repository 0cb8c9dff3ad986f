# Bash completion for the rdc tools (rdc-lint, rdc-run, rdc-trace, rdc-dot,
# rdc-project). Flags and subcommands are read from the tool's own --help, so
# the completion never falls behind the tool; files complete everywhere else.
# Installed as share/bash-completion/completions/<tool> for each tool.

# The words of a help text's option column (-o, --seed) and, under
# "Subcommands:", the subcommand names.
_rdc_help_words() {
  local tool=$1 sub=$2 text
  text=$("$tool" ${sub:+"$sub"} --help 2>/dev/null) || return
  printf '%s\n' "$text" | awk '
    /^Subcommands:/ { subs = 1; next }
    /^[A-Z][a-z]*:/ { subs = 0 }
    subs && /^  [a-z]/ { print $1; next }
    /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}

# The subcommands a tool takes (none for most).
_rdc_subcommands() {
  "$1" --help 2>/dev/null | awk '/^Subcommands:/ { s = 1; next } /^[A-Z][a-z]*:/ { s = 0 } s && /^  [a-z]/ { print $1 }'
}

_rdc_complete() {
  local tool=$1 cur=${COMP_WORDS[COMP_CWORD]} sub="" w
  COMPREPLY=()
  # The first word that names one of the tool's subcommands selects its help.
  local subs
  subs=$(_rdc_subcommands "$tool")
  if [ -n "$subs" ]; then
    for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
      if printf '%s\n' "$subs" | grep -qx -- "$w"; then
        sub=$w
        break
      fi
    done
    if [ -z "$sub" ] && [[ $cur != -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
      return
    fi
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_rdc_help_words "$tool" "$sub" | grep -- '^-')" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}

complete -o filenames -F _rdc_complete rdc-lint rdc-run rdc-trace rdc-dot rdc-project
