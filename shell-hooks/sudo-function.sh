# tenmon-guard: `sudo` and `sudoedit` for guarded bash and zsh shells (GPL-3.0-or-later).
#
# Sourced by the bash and zsh hooks. Admins keep typing `sudo CMD`; the function hands it to tenmon-sudo, which
# runs `sudo tenmon-guard-exec -- CMD`: the guard checks CMD as root, then runs exactly it. `command sudo` still
# reaches the real sudo, but the sudoers snippet grants the admin group nothing except the guard's launcher, so
# that is no way around it. tenmon-sudo is found as $TENMON_SUDO, on PATH, or next to this file.
if [ -n "${BASH_VERSION:-}" ]; then
  _tenmon_sudo_here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" 2>/dev/null && pwd)
elif [ -n "${ZSH_VERSION:-}" ]; then
  eval '_tenmon_sudo_here=${${(%):-%x}:A:h}'
else
  _tenmon_sudo_here=
fi

_tenmon_sudo_path() {
  if [ -n "${TENMON_SUDO:-}" ]; then
    printf '%s\n' "$TENMON_SUDO"
  elif command -v tenmon-sudo >/dev/null 2>&1; then
    command -v tenmon-sudo
  elif [ -n "${_tenmon_sudo_here:-}" ] && [ -x "$_tenmon_sudo_here/tenmon-sudo" ]; then
    printf '%s\n' "$_tenmon_sudo_here/tenmon-sudo"
  else
    return 1
  fi
}

sudo() {
  local _tenmon_sudo
  _tenmon_sudo=$(_tenmon_sudo_path) || {
    printf '%s\n' "tenmon-guard: tenmon-sudo not found: sudo through the guard is unavailable" >&2
    return 127
  }
  "$_tenmon_sudo" "$@"
}

sudoedit() {
  sudo -e "$@"
}
