# tenmon-guard: the interactive door for bash (4.4 or later).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Source it from ~/.bashrc, /etc/bash.bashrc or /etc/profile.d/ (`tenmon-guard hook bash` prints the line).
# It does nothing in a non-interactive shell, and nothing the second time it is sourced.
#
# How a line is judged (docs/interactive.md has the long version):
#
# * Enter (C-m, C-j, in the emacs and both vi keymaps), C-o, C-x C-e and vi's `v` run a readline macro:
#   history-expand-line (so `!!` is judged as what it runs), then a `bind -x` function that sends the whole line
#   to the checker, then a final key that this function has just bound to accept-line (run it) or to
#   redraw-current-line (refuse it: the line stays on the prompt, replaced by the approved command).
# * The checker is one long-lived `tenmon-guard serve` per shell, a bash coproc, spawned in the background at the
#   first prompt and again whenever it is found dead. Requests are NUL-terminated JSON tagged with an id; replies
#   are one line of fields; replies to an earlier request that timed out are dropped by id. SIGPIPE is ignored
#   around each write (a dead checker would otherwise kill the shell). If the checker cannot answer in
#   TENMON_GUARD_TIMEOUT seconds, the policy's `unknown` setting for the hook door decides (warn by default),
#   loudly, and the prompt never hangs.
# * The alias table and the bodies of functions the line names go with the line: the checker expands aliases the
#   way bash does and judges a called function by its body, so `alias k9='kill -9'` hides nothing.
# * The DEBUG trap is the backstop. PS0 marks the start of each line; a line that the Enter key judged runs
#   untouched; any other line (a key this hook does not own, readline turned off, ...) is judged whole from
#   history before its first command, and command by command as it runs (BASH_COMMAND, aliases already
#   expanded), as are lines that run code their text does not show (fc, source, eval). A refused command is
#   skipped (extdebug, turned on for that moment) and the whole line is aborted (`kill -INT $$`): a skip alone
#   would let `BLOCKED && next` carry on as if BLOCKED had succeeded.
#
# Facts this file respects (bash 5.2): never `$( )` inside a bind -x function (bash 5.2 re-parses command
# substitutions with the parser that is reading the accepted line, and the line runs mangled); never
# `history -p` inside one (it deletes the previous history entry); a coproc started from a function is a job,
# so it is disowned (`wait` and `exit` must not wait for it); `${NAME_PID-}` is checked before every use; a coproc
# sets $!, which no builtin sets back, so the hook runs no other asynchronous command (no `< <(...)`) and says so
# when a checker it starts takes $! from a job of the user's.
#
# Settings (environment or shell variables, read when this file is sourced):
#   TENMON_GUARD_BIN            the tenmon-guard executable (default: found in PATH)
#   TENMON_GUARD_ARGS           extra arguments for the checker, split on blanks (--policy P --var live_dir=/x)
#   TENMON_GUARD_TIMEOUT        seconds to wait for a verdict (default 3)
#   TENMON_GUARD_START_TIMEOUT  seconds to wait for a starting checker (default 20)
#   TENMON_GUARD_SUDO=1         also source sudo-function.sh from this directory (a guarded `sudo`)
#   NO_COLOR                    no colour in messages

[ -n "${BASH_VERSION-}" ] || return 0
case $- in *i*) ;; *) return 0 ;; esac
[[ -z ${__tg_loaded-} ]] || return 0
if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
    printf 'tenmon-guard: bash %s is too old for the hook (4.4 or later): this shell is NOT guarded\n' \
        "$BASH_VERSION" >&2
    return 0
fi
__tg_loaded=1
__tg_version=1
# functions named __tg_* that exist before the hook defines its own are the user's (see __tg_own below)
__tg_before=' '
while read -r _ _ __tg_name; do
    [[ $__tg_name == __tg_* ]] && __tg_before+="$__tg_name "
done <<<"$(declare -F)" # (not a process substitution: that sets the user's $!)

# ----------------------------------------------------------------------------------------------------------------
# Settings and state

__tg_bin=${TENMON_GUARD_BIN:-tenmon-guard}
if [[ $__tg_bin != */* ]]; then
    __tg_bin=$(type -P -- "$__tg_bin" 2>/dev/null) || __tg_bin=${TENMON_GUARD_BIN:-tenmon-guard}
fi
read -r -a __tg_args <<<"${TENMON_GUARD_ARGS-}"
__tg_timeout=${TENMON_GUARD_TIMEOUT:-3}
__tg_start_timeout=${TENMON_GUARD_START_TIMEOUT:-20}
__tg_dir=${BASH_SOURCE[0]%/*}
[[ $__tg_dir == "${BASH_SOURCE[0]}" ]] && __tg_dir=.
__tg_tty=$(tty 2>/dev/null) || __tg_tty=
__tg_match_writable=0
(BASH_REMATCH=(x)) 2>/dev/null && __tg_match_writable=1
__tg_u='\u'
__tg_user=${__tg_u@P}

__tg_id=0              # request counter; replies carry it back
__tg_pid=              # the checker we started
__tg_last_pid=         # the last checker started, stopped or not ($! names it until the user starts a job)
__tg_ready=0           # its ready line has been read
__tg_failed_at=0       # when a start last failed (no new start for 10 s)
__tg_timeouts=0        # consecutive timeouts (two: the checker is replaced)
__tg_unknown=warn      # the policy's `unknown` decision for the hook door (from the ready line)
__tg_policies=         # the policy files the checker loaded
__tg_scratch=          # /proc/PID/fd/N: the checker's scratch file, where function bodies are read (no fork)
__tg_fresh=0           # set by PS0: a line was read and is about to run
__tg_gen=0             # counts lines read (PS0): a continuation buffer belongs to one line
__tg_seen=0            # the Enter key judged the line about to run
__tg_trace=            # ... and the checker asked to trace it command by command
__tg_pending=          # a line being continued (PS2): the text so far
__tg_pending_gen=-1
__tg_percmd=0          # judge each command of this line as it runs
__tg_set_T=0           # we turned on functrace / extdebug for this line
__tg_set_extdebug=0
__tg_aborted_opts=     # the user's options an aborted line's entry point could not put back (see __tg_abort)
__tg_expand_key=history-expand-line  # what the Enter macro's first key does (see __tg_verify_keys)
__tg_hist_prompt=0     # HISTCMD at the prompt: equal in the DEBUG trap means the line is in history
__tg_count=0 __tg_total_us=0 __tg_max_us=0
declare -A __tg_cache=()
# shellcheck disable=SC2016 # bash expands it when it shows PS0: one arithmetic side effect, no output
__tg_ps0='${__tg_ps0_hook[__tg_fresh=1,__tg_gen+=1]-}'
# The PROMPT_COMMAND entry: it hands on the status ($?) and last argument ($_) of the user's line to what follows
# it, as the bind -x keys give $_ back (see __tg_add_precmd)
# shellcheck disable=SC2016 # expanded when PROMPT_COMMAND runs
__tg_pc='__tg_precmd "$_" && : "$_"'
__tg_color=0
[[ -t 2 && -z ${NO_COLOR-} && ${TERM-dumb} != dumb ]] && __tg_color=1

# ----------------------------------------------------------------------------------------------------------------
# The checker

__tg_spawn() {
    local now=${EPOCHSECONDS:-$SECONDS}
    if ((__tg_failed_at && now - __tg_failed_at < 10)); then
        return 1
    fi
    # the user's $!: a coproc is an asynchronous command, so starting one makes $! the checker's PID
    local job=${!-}
    # a checker bash no longer tracks (it was stopped, or replaced) must not linger
    [[ -n $__tg_pid ]] && kill -KILL "$__tg_pid" 2>/dev/null
    __tg_pid=
    __tg_ready=0
    # stderr of the checker is the shell's (its audit warnings, and the tty the audit log records); the
    # coproc's job notice is not. The checker keeps none of the shell's other files open: one started again after
    # the user opened a file (`exec 9>deploy.lock; flock 9`) held it, and the lock, as long as it ran.
    { coproc __TENMON_GUARD_CHECKER {
        exec 2>&19 19>&-
        __tg_close_inherited
        exec "$__tg_bin" serve --format shell --shell bash --door hook --timeout "$__tg_timeout" "${__tg_args[@]}"
    }; } 19>&2 2>/dev/null
    if [[ -z ${__TENMON_GUARD_CHECKER_PID-} ]]; then
        __tg_failed_at=$now
        return 1
    fi
    __tg_pid=$__TENMON_GUARD_CHECKER_PID
    disown "$__tg_pid" 2>/dev/null
    # bash gives no way to set $! back: a job the user started (since the checker before this one) is no longer
    # what $! names, and `kill $!` would stop the checker instead. Say so, with the job's PID.
    if [[ -n $job && $job != "$__tg_last_pid" ]]; then
        # shellcheck disable=SC2016 # $! is the text of the message
        printf 'tenmon-guard: starting its checker (PID %s) set $!: it no longer names your last background job, %s\n' \
            "$__tg_pid" "$job" >&2
    fi
    __tg_last_pid=$__tg_pid
    return 0
}

# In the checker's process before it starts: close every descriptor but 0, 1 and 2 (Linux's /proc lists them).
__tg_close_inherited() {
    local fd
    for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        [[ $fd == [0-9]* && $fd -gt 2 && -e /proc/self/fd/$fd ]] && { exec {fd}>&-; } 2>/dev/null
    done
}

__tg_alive() {
    # bash unsets the coproc's variables when it reaps the checker (and when the checker is stopped)
    [[ -n $__tg_pid && ${__TENMON_GUARD_CHECKER_PID-} == "$__tg_pid" && -n ${__TENMON_GUARD_CHECKER[1]-} ]]
}

__tg_stop() {
    # KILL: a checker that stopped answering may be stopped or stuck; bash closes its pipes when it reaps it
    [[ -n $__tg_pid ]] && kill -KILL "$__tg_pid" 2>/dev/null
    __tg_ready=0
    __tg_pid=
    __tg_scratch=
}

__tg_wait_ready() {
    ((__tg_ready)) && return 0
    local tag pid unknown policies scratch rest
    if ! IFS=$'\x1f' read -r -t "$__tg_start_timeout" -u "${__TENMON_GUARD_CHECKER[0]}" \
        tag pid unknown policies _ _ scratch rest; then
        __tg_why="did not start (nothing from $__tg_bin serve in ${__tg_start_timeout}s)"
        __tg_stop
        __tg_failed_at=${EPOCHSECONDS:-$SECONDS}
        return 1
    fi
    if [[ $tag != ready ]]; then
        printf -v __tg_why '%b' "could not start: ${pid-}"
        __tg_stop
        __tg_failed_at=${EPOCHSECONDS:-$SECONDS}
        return 1
    fi
    __tg_ready=1
    __tg_unknown=$unknown
    __tg_policies=$policies
    # (the checker is this shell's child: until bash reaps it, its pid and so this path are no one else's)
    __tg_scratch=
    [[ $scratch == [0-9]* && $scratch != *[!0-9]* ]] && __tg_scratch=/proc/$__tg_pid/fd/$scratch
    return 0
}

__tg_restore_pipe() {
    if [[ -n ${__tg_user_pipe_trap-} ]]; then
        eval "$__tg_user_pipe_trap"
    else
        trap - PIPE
    fi
}

__tg_json_str() {
    local s=$1
    if [[ $s == *[\\\"$'\n\t\r']* ]]; then
        # shellcheck disable=SC1003 # one backslash
        local bs='\' dq='"'
        s=${s//"$bs"/"$bs$bs"}
        s=${s//"$dq"/"$bs$dq"}
        s=${s//$'\n'/"\\n"}
        s=${s//$'\t'/"\\t"}
        s=${s//$'\r'/"\\r"}
    fi
    REPLY="\"$s\""
}

# The aliases and functions the text may name: aliases go as a table, functions as raw frames after the request
# (`declare -f` writes straight into the pipe: no fork). A function's body may call other functions (f runs g):
# the words of the bodies found are scanned too, a few rounds deep (__tg_read_bodies); only a line that names a
# function pays for reading bodies, once a round. The bodies read are kept in __tg_bodies for __tg_scan_vars, which
# scans them for the variables they name without reading them again.
__tg_scan_words() {
    __tg_alias_json=
    __tg_hashed=
    __tg_funcs=()
    __tg_bodies=
    local IFS=$' \t\n;&|()<>{}`"\'$=' w seen=' ' read_bodies
    local -a words more found
    read -r -d '' -a words <<<"$1"
    local i=0 rounds=0
    while :; do
        while ((i < ${#words[@]} && i < 512)); do
            w=${words[i++]}
            # (any word may name a function: bash takes /bin/ls, [ or x#y as a function's name, and runs the
            # function for the command of that name; @ and * would name every alias. Under set -o posix, declare
            # -F says on stderr that such a word is not an identifier: -d, /tmp, a-b printed an error each)
            [[ -z $w || $seen == *" $w "* ]] && continue
            seen+="$w "
            if [[ $w != [@*] && -n ${BASH_CMDS[$w]+x} && ${BASH_CMDS[$w]##*/} != "$w" ]]; then
                __tg_hashed_json "$w"  # (hash -p /usr/bin/pkill ls at an earlier prompt: ls runs pkill)
            fi
            if [[ $w != [@*] && -n ${BASH_ALIASES[$w]+x} ]]; then
                __tg_json_str "$w"
                __tg_alias_json+=",$REPLY"
                __tg_json_str "${BASH_ALIASES[$w]}"
                __tg_alias_json+=":$REPLY"
                read -r -d '' -a more <<<"${BASH_ALIASES[$w]}"
                words+=("${more[@]}")
            elif [[ $__tg_own != *" $w "* ]] && declare -F -- "$w"; then
                __tg_funcs+=("$w")
                found+=("$w")
            fi
        done >/dev/null 2>&1  # (for declare -F: one open of /dev/null a round, not two a word)
        ((${#found[@]} && i < 512 && rounds++ < 8)) || break
        __tg_read_bodies "${found[@]}"
        read_bodies=$REPLY
        __tg_bodies+=$'\n'$read_bodies
        read -r -d '' -a more <<<"$read_bodies"
        words+=("${more[@]}")
        found=()
    done
    # cut short (a line of more than 512 words, calls nested deeper than 8): a name past the cut would be taken for
    # a program (600 words, then a function that runs pkill node: it ran). Every alias and function goes instead.
    if ((i < ${#words[@]} || ${#found[@]})); then
        __tg_alias_json=
        __tg_funcs=()
        for w in "${!BASH_ALIASES[@]}"; do
            __tg_json_str "$w"
            __tg_alias_json+=",$REPLY"
            __tg_json_str "${BASH_ALIASES[$w]}"
            __tg_alias_json+=":$REPLY"
        done
        while read -r _ _ w; do
            [[ -n $w && $__tg_own != *" $w "* ]] && __tg_funcs+=("$w")
        done <<<"$(declare -F)"
        ((${#__tg_funcs[@]})) && __tg_bodies=$'\n'$(declare -f -- "${__tg_funcs[@]}")
    fi
    [[ -n $__tg_alias_json ]] && __tg_alias_json=",\"aliases\":{${__tg_alias_json#,}}"
    [[ -n $__tg_hashed ]] && __tg_alias_json+=",\"hashed\":{${__tg_hashed#,}}"
}

# The functions the line may define that the shell calls later with no line naming them (an earlier prompt's trap
# action, PROMPT_COMMAND, complete -F/-C, bind -x), as a JSON member: tgf() { rm -rf dist; } after trap tgf EXIT
# removed the live dist at exit. Only a line that may define a function pays for reading them ($(trap -p) forks;
# bash gives the shell's own traps there).
__tg_registered_json() {
    __tg_reg_json=
    [[ $1 == *'()'* || $1 == *function* ]] || return 0  # (not every ( ): $(date) defines nothing
    local kept rest=$1 name names=
    local re='(^|[^A-Za-z0-9_.:-])(function[[:space:]]+)?([A-Za-z_][A-Za-z0-9_.:-]*)[[:space:]]*(\(\)|[[:space:]]*\{)'
    kept=" $(trap -p) ${PROMPT_COMMAND[*]-} $(complete -p 2>/dev/null) $(bind -X 2>/dev/null) "
    kept=${kept//[^A-Za-z0-9_.:-]/ }
    while [[ $rest =~ $re ]]; do
        rest=${rest#*"${BASH_REMATCH[0]}"}
        name=${BASH_REMATCH[3]}
        [[ -n ${BASH_REMATCH[2]} || ${BASH_REMATCH[4]} == '()' ]] || continue
        [[ $kept == *" $name "* ]] || continue
        __tg_json_str "$name"
        names+=",$REPLY"
    done
    [[ -n $names ]] && __tg_reg_json=",\"registered\":[${names#,}]"
    return 0
}

# The definitions of the functions named, as `declare -f` prints them, in REPLY: written into the checker's scratch
# file and read back up to the NUL after them (no fork: about 0.06 ms where `$(declare -f ...)` took about 0.9 at
# an interactive prompt), or by a command substitution where there is no such file (an older checker; /proc not
# mounted). Opened with <>, not truncated (a truncation costs a quarter of a millisecond; what an earlier, longer
# write left after the NUL is never read), and not refused by the user's noclobber.
__tg_read_bodies() {
    if [[ -n $__tg_scratch ]] && __tg_alive &&
        { declare -f -- "$@"; printf '\0'; } 2>/dev/null 1<>"$__tg_scratch" &&
        IFS= read -r -d '' REPLY 2>/dev/null <"$__tg_scratch"; then
        REPLY=${REPLY%$'\n'}
        return 0
    fi
    REPLY=$(declare -f -- "$@")
}

# A name of the shell's table of programs bound to a program of another name, added to __tg_hashed.
__tg_hashed_json() {
    __tg_json_str "$1"
    __tg_hashed+=",$REPLY"
    __tg_json_str "${BASH_CMDS[$1]}"
    __tg_hashed+=":$REPLY"
}

# The shell's finite soft limits that end what it starts (set by ulimit at an earlier prompt: CPU time, data,
# address space), as ,"limits":{...} in $__tg_limits (empty when none is finite): read from /proc without a fork
# or a command substitution (about 17 short lines), and with expansions only (no [[ =~ ]]: BASH_REMATCH is the
# user's).
__tg_limits_json() {
    __tg_limits=
    [[ -r /proc/self/limits ]] || return 0
    local __tg_line __tg_soft __tg_key
    local -a __tg_rows
    mapfile -t -n 11 __tg_rows < /proc/self/limits
    for __tg_line in "${__tg_rows[@]}"; do
        case $__tg_line in
            'Max cpu time '*) __tg_key=t __tg_line=${__tg_line#Max cpu time} ;;
            'Max data size '*) __tg_key=d __tg_line=${__tg_line#Max data size} ;;
            'Max address space '*) __tg_key=v __tg_line=${__tg_line#Max address space} ;;
            *) continue ;;
        esac
        __tg_line=${__tg_line#"${__tg_line%%[! ]*}"}
        __tg_soft=${__tg_line%% *}
        [[ -n $__tg_soft && $__tg_soft != *[!0-9]* ]] || continue
        [[ $__tg_key != t ]] && __tg_soft=$(( __tg_soft / 1024 ))  # (bytes; ulimit -v and -d count KiB)
        __tg_limits+=",\"$__tg_key\":\"$__tg_soft\""
    done
    [[ -n $__tg_limits ]] && __tg_limits=",\"limits\":{${__tg_limits#,}}"
    return 0
}

# The values of the variables the text, and the bodies of the functions sent with it, name ($D, ${D...}), as a JSON
# member: a line using a variable set at an earlier prompt (D=/opt/tenmon-ark-live, then rm -rf $D/dist) is judged
# with its value. Set scalars only, of 64 KiB at most; not the shell's own dynamic and special ones, nor REPLY and
# ours (this hook has set them; its locals are all named __tg_*, so none hides a variable of the user's).
__tg_scan_vars() {
    __tg_ifs_var
    __tg_vars_json=${REPLY:+,$REPLY}
    __tg_pwd_var
    __tg_vars_json+=${REPLY:+,$REPLY}
    local __tg_rest=$1 __tg_name __tg_value __tg_exported= __tg_seen=' ' __tg_n=0
    local __tg_re='\$\{?([A-Za-z_][A-Za-z0-9_]*)'
    __tg_rest+=$__tg_bodies  # (the bodies of __tg_funcs, read by __tg_scan_words)
    while [[ $__tg_rest =~ $__tg_re ]] && ((__tg_n++ < 256)); do
        __tg_name=${BASH_REMATCH[1]}
        __tg_rest=${__tg_rest#*"${BASH_REMATCH[0]}"}
        [[ $__tg_seen == *" $__tg_name "* ]] && continue
        __tg_seen+="$__tg_name "
        __tg_not_sent "$__tg_name" && continue
        [[ -n ${!__tg_name+x} && ${!__tg_name@a} != *[aA]* ]] || continue
        __tg_value=${!__tg_name}
        ((${#__tg_value} <= 65536)) || continue
        __tg_json_str "$__tg_name"
        __tg_vars_json+=",$REPLY"
        [[ ${!__tg_name@a} == *x* ]] && __tg_exported+=",$REPLY"
        __tg_json_str "$__tg_value"
        __tg_vars_json+=":$REPLY"
    done
    # $!, the last job the shell started, where the text names it: a PID the checker looks up (kill -9 $! after
    # node dist/index.js & at an earlier prompt is a SIGKILL to node)
    if [[ ( $1$__tg_bodies == *'$!'* || $1$__tg_bodies == *'${!}'* ) && -n $! ]]; then
        __tg_vars_json+=",\"!\":\"$!\""
    fi
    [[ -n $__tg_vars_json ]] && __tg_vars_json=",\"variables\":{${__tg_vars_json#,}},\"exported\":[${__tg_exported#,}]"
    __tg_scan_attributes "$1$__tg_bodies"
    __tg_vars_json+=$REPLY
}

# A variable whose value or attributes are not sent with a line: the shell's own dynamic and special ones (they
# change as they are read: $RANDOM draws), those sent apart (PWD, HOME, IFS ...), REPLY and the hook's own.
__tg_not_sent() { # name
    case $1 in
    _ | REPLY | PWD | OLDPWD | HOME | CDPATH | IFS | RANDOM | SRANDOM | SECONDS | LINENO | BASHPID | EPOCHSECONDS | \
        EPOCHREALTIME | HISTCMD | FUNCNAME | PIPESTATUS | GROUPS | BASH_* | COMP_* | __tg_* | __TENMON_GUARD_*) return 0 ;;
    esac
    return 1
}

# The attributes that change what is assigned to the variables the text names ($x) or assigns (x=), as JSON members
# (in REPLY): case conversion and integer (declare -l x at one prompt makes x=NODE at the next hold node), and what a
# nameref refers to (declare -n r=x at one prompt: r=node at the next sets x). Builtins only, no fork: -R tells a
# nameref, ${!r} its target, ${x@a} the letters (of the target, through a nameref).
__tg_scan_attributes() {
    local __tg_rest=$1 __tg_name __tg_letters __tg_target __tg_attrs= __tg_refs= __tg_seen=' ' __tg_n=0
    local __tg_re='\$\{?([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)(\[[^]]*\])?\+?='
    while [[ $__tg_rest =~ $__tg_re ]] && ((__tg_n++ < 256)); do
        __tg_name=${BASH_REMATCH[1]:-${BASH_REMATCH[2]}}
        __tg_rest=${__tg_rest#*"${BASH_REMATCH[0]}"}
        [[ $__tg_seen == *" $__tg_name "* ]] && continue
        __tg_seen+="$__tg_name "
        __tg_not_sent "$__tg_name" && continue
        __tg_target=
        if [[ -R $__tg_name ]]; then
            eval "__tg_target=\${!$__tg_name}"
            __tg_json_str "$__tg_name"
            __tg_refs+=",$REPLY"
            __tg_json_str "$__tg_target"
            __tg_refs+=":$REPLY"
            [[ $__tg_target =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        fi
        eval "__tg_letters=\${$__tg_name@a}"
        __tg_letters=${__tg_letters//[!luci]/}
        [[ -n $__tg_letters ]] || continue
        __tg_json_str "${__tg_target:-$__tg_name}"
        __tg_attrs+=",$REPLY:\"$__tg_letters\""
    done
    REPLY=
    [[ -n $__tg_attrs ]] && REPLY+=",\"attributes\":{${__tg_attrs#,}}"
    [[ -n $__tg_refs ]] && REPLY+=",\"namerefs\":{${__tg_refs#,}}"
    return 0
}

# The shell's IFS where it is not the default, as a member of the variables sent, whether the line names it or
# not: it splits every unquoted expansion (IFS=x at one prompt, then a=pkillxnode; $a runs pkill node).
# The shell's directory, in REPLY: $PWD, unless a line assigned it (PWD=DIR moves nothing: cd and pwd go by the
# directory itself; sending $PWD judged `rm -rf dist` in DIR, not where it runs).
__tg_cwd() {
    REPLY=${PWD-}
    [[ -n $REPLY && $REPLY -ef . ]] || REPLY=$(builtin pwd -P 2>/dev/null)
}

# The same, as a JSON string in REPLY.
__tg_cwd_json() {
    __tg_cwd
    __tg_json_str "$REPLY"
}

# $PWD where a line assigned it away from the shell's directory (or unset it: empty), as a JSON member in REPLY: a
# line reading it (rm -rf "$PWD/dist") gets its value.
__tg_pwd_var() {
    REPLY=
    [[ -n ${PWD-} && $PWD -ef . ]] && return 0
    __tg_json_str "${PWD-}"
    REPLY="\"PWD\":$REPLY"
}

__tg_ifs_var() {
    REPLY=
    [[ -n ${IFS+x} && $IFS != $' \t\n' ]] || return 0
    __tg_json_str "$IFS"
    REPLY="\"IFS\":$REPLY"
}

__tg_all_aliases() {
    __tg_alias_json=
    __tg_hashed=
    __tg_funcs=()
    local name
    for name in "${!BASH_ALIASES[@]}"; do
        __tg_json_str "$name"
        __tg_alias_json+=",$REPLY"
        __tg_json_str "${BASH_ALIASES[$name]}"
        __tg_alias_json+=":$REPLY"
    done
    for name in "${!BASH_CMDS[@]}"; do
        [[ ${BASH_CMDS[$name]##*/} != "$name" ]] && __tg_hashed_json "$name"
    done
    [[ -n $__tg_alias_json ]] && __tg_alias_json=",\"aliases\":{${__tg_alias_json#,}}"
    [[ -n $__tg_hashed ]] && __tg_alias_json+=",\"hashed\":{${__tg_hashed#,}}"
}

# Ask the checker about $1 (mode "text") or about the current history entry (mode "history"). $2 is the hint the
# message ends with (prompt: the approved command is put on the prompt; history: into history). Sets __tg_r_*.
# Returns 1 (and __tg_why) when there is no answer.
__tg_ask() {
    local text=$1 hint=$2 mode=${3:-text}
    __tg_why=
    if ! __tg_alive; then
        __tg_spawn || {
            __tg_why="is not running (could not start $__tg_bin serve)"
            return 1
        }
    fi
    __tg_wait_ready || return 1
    local in=${__TENMON_GUARD_CHECKER[1]-} out=${__TENMON_GUARD_CHECKER[0]-}
    if [[ -z $in || -z $out ]]; then
        __tg_why="went away"
        return 1
    fi
    ((++__tg_id))
    local color=false cmd funcs=
    ((__tg_color)) && color=true
    if [[ $mode == history ]]; then
        __tg_all_aliases
        __tg_vars_json=  # (the text is not read here: its variables are not known, but for IFS and PWD)
        __tg_ifs_var
        local vars=$REPLY
        __tg_pwd_var
        [[ -n $REPLY ]] && vars+=${vars:+,}$REPLY
        [[ -n $vars ]] && __tg_vars_json=",\"variables\":{$vars},\"exported\":[]"
        cmd='"command_frame":true,"strip":"fc"'
    else
        __tg_scan_words "$text"
        __tg_scan_vars "$text"
        __tg_registered_json "$text"
        __tg_json_str "$text"
        cmd="\"command\":$REPLY"
    fi
    if ((${#__tg_funcs[@]})); then
        local f
        for f in "${__tg_funcs[@]}"; do
            __tg_json_str "$f"
            funcs+=",$REPLY"
        done
        funcs=",\"function_frames\":[${funcs#,}]"
    fi
    __tg_json_str "${HOME-}"
    local home=$REPLY
    __tg_json_str "${CDPATH-}"
    local search=$REPLY
    # the shell options that change where cd goes or what a word names (an argument-less directory is cd under
    # autocd; cdable_vars; set -P; set -k; nocaseglob), or what echo writes (xpg_echo: its escapes decoded)
    local shell_opts= o
    for o in autocd cdable_vars nocaseglob xpg_echo cdspell; do
        shopt -q "$o" && shell_opts+=",\"$o\""
    done
    [[ -o physical ]] && shell_opts+=',"physical"'
    [[ -o keyword ]] && shell_opts+=',"keyword"'
    # (POSIX mode: an assignment before a special builtin stays, x=node :; pkill $x runs pkill node)
    [[ -o posix ]] && shell_opts+=',"posix"'
    # (set -a: what the line sets, a new shell it starts has; the entry point took it off for the hook itself)
    [[ -o allexport || ${__tg_o-} == *a* ]] && shell_opts+=',"allexport"'
    # the directory stack below the cwd (pushd at an earlier prompt): where pushd, popd and cd ~N go
    local stack="" entry
    for entry in "${DIRSTACK[@]:1}"; do
        __tg_json_str "$entry"
        stack+=",$REPLY"
    done
    # and where cd - goes
    local oldpwd=
    if [[ -n ${OLDPWD-} ]]; then
        __tg_json_str "$OLDPWD"
        oldpwd=",\"oldpwd\":$REPLY"
    fi
    __tg_limits_json
    __tg_cwd_json
    local request="{\"id\":$__tg_id,$cmd,\"cwd\":$REPLY,\"home\":$home,\"cdpath\":$search,\"dirstack\":[${stack#,}]$oldpwd,\"options\":[${shell_opts#,}],\"door\":\"hook\",\"color\":$color,\"hint\":\"$hint\"$__tg_alias_json$__tg_vars_json$__tg_limits$__tg_reg_json$funcs}"
    local start=${EPOCHREALTIME-} rc
    trap '' PIPE
    if [[ $mode == text && -z $funcs ]]; then
        printf '%s\0' "$request" 2>/dev/null 1>&"$in"
        rc=$?
    else
        {
            printf '%s\0' "$request"
            [[ $mode == history ]] && { fc -ln -0; printf '\0'; }
            for f in "${__tg_funcs[@]}"; do
                declare -f -- "$f"
                printf '\0'
            done
        } 1>&"$in" 2>/dev/null
        rc=$?
    fi
    __tg_restore_pipe
    if ((rc != 0)); then
        __tg_why="went away"
        __tg_stop
        return 1
    fi
    local id decision flags suggestion confirm rules message
    while :; do
        IFS=$'\x1f' read -r -t "$__tg_timeout" -u "$out" id decision flags suggestion confirm rules message
        rc=$?
        if ((rc > 128)); then
            __tg_why="did not answer within ${__tg_timeout}s"
            ((++__tg_timeouts >= 2)) && __tg_stop
            return 1
        elif ((rc != 0)); then
            __tg_why="went away"
            __tg_stop
            return 1
        fi
        [[ $id == "$__tg_id" ]] && break # a late reply to a request that timed out is dropped
    done
    __tg_timeouts=0
    if [[ -n $start && -n ${EPOCHREALTIME-} ]]; then
        local a=${start/[.,]/} b=${EPOCHREALTIME/[.,]/}
        local us=$((10#$b - 10#$a))
        ((__tg_count++, __tg_total_us += us, us > __tg_max_us)) && __tg_max_us=$us
    fi
    __tg_r_decision=$decision
    __tg_r_flags=$flags
    __tg_r_confirm=$confirm
    __tg_r_rules=$rules
    __tg_r_suggestion=
    __tg_r_message=
    [[ -n $suggestion ]] && printf -v __tg_r_suggestion '%b' "$suggestion"
    [[ -n $message ]] && printf -v __tg_r_message '%b' "$message"
    if [[ $decision == error ]]; then
        __tg_why="failed: $__tg_r_message"
        return 1
    fi
    return 0
}

# ----------------------------------------------------------------------------------------------------------------
# Saying it, and the audit record when the checker cannot write one

__tg_show() {
    [[ -n $1 ]] && printf '\n%s\n' "$1" >&2
}

__tg_audit() { # decision rule command
    local log=${TENMON_GUARD_AUDIT_LOG-}
    if [[ -z $log ]]; then
        if ((EUID == 0)); then
            log=/var/log/tenmon-guard/audit.jsonl
        else
            log=${XDG_STATE_HOME:-$HOME/.local/state}/tenmon-guard/audit.jsonl
        fi
    fi
    local TZ=UTC0 now cmd cwd tty
    printf -v now '%(%Y-%m-%dT%H:%M:%S)T' -1
    __tg_json_str "$3"
    cmd=$REPLY
    __tg_cwd_json
    cwd=$REPLY
    __tg_json_str "$__tg_tty"
    tty=$REPLY
    [[ -n $__tg_tty ]] || tty=null
    local sudo_user=null
    [[ -n ${SUDO_USER-} ]] && __tg_json_str "$SUDO_USER" && sudo_user=$REPLY
    printf '{"time":"%s.000Z","user":"%s","sudo_user":%s,"tty":%s,"cwd":%s,"command":%s,"decision":"%s","rules":["%s"],"door":"hook","reason":null,"shell":"bash","shell_pid":%s}\n' \
        "$now" "$__tg_user" "$sudo_user" "$tty" "$cwd" "$cmd" "$1" "$2" "$$" >>"$log" 2>/dev/null
}

# No verdict: the policy's `unknown` setting for the hook door decides, loudly. Returns 0 to run, 1 to refuse.
__tg_unanswered() { # text
    local decision=${__tg_unknown:-warn}
    __tg_audit "$decision" guard-error "$1"
    if [[ $decision == block ]]; then
        __tg_show "tenmon-guard: BLOCKED: the checker $__tg_why, and the policy refuses what it cannot check."
        return 1
    fi
    __tg_show "tenmon-guard: WARNING: the checker $__tg_why. This line was NOT checked and runs anyway."
    return 0
}

# A refusal with `confirm` tokens: a prompt-toolkit prompt where the person types the token to go ahead.
__tg_confirm() { # text
    local -
    set -f
    local -a args=()
    local token rule
    for token in $__tg_r_confirm; do args+=(--confirm "$token"); done
    for rule in $__tg_r_rules; do args+=(--rule "$rule"); done
    __tg_cwd
    PROMPT_TOOLKIT_NO_CPR=1 "$__tg_bin" override "${args[@]}" --cwd "$REPLY" -- "$1" </dev/tty >/dev/tty 2>&1
}

# ----------------------------------------------------------------------------------------------------------------
# The Enter key (bind -x): judge the whole line, then bind the macro's last key to run it or to keep it.

__tg_final() { # key-number go|hold
    if [[ $2 == go ]]; then
        if [[ $1 == 3 ]]; then
            bind '"\C-x\C-t3": operate-and-get-next'
        else
            bind '"\C-x\C-t2": accept-line'
        fi
    else
        bind "\"\\C-x\\C-t$1\": redraw-current-line"
    fi
}

__tg_enter_() { # key-number
    local key=${1:-2} line=$READLINE_LINE text hint=prompt
    text=$line
    if [[ -n $__tg_pending && $__tg_pending_gen == "$__tg_gen" ]]; then
        text=$__tg_pending$'\n'$line
        hint=none
    else
        __tg_pending=
    fi
    [[ ${PROMPT_COMMAND[*]-} == *__tg_precmd* ]] || __tg_add_precmd
    if [[ -z ${text//[[:space:]]/} ]]; then
        __tg_final "$key" go
        return
    fi
    if ! __tg_ask "$text" "$hint"; then
        if __tg_unanswered "$text"; then
            __tg_judged "$text"
            __tg_final "$key" go
        else
            __tg_final "$key" hold
        fi
        return
    fi
    case $__tg_r_decision in
    allow)
        __tg_judged "$text"
        __tg_final "$key" go
        ;;
    incomplete)
        __tg_pending=$text
        __tg_pending_gen=$__tg_gen
        __tg_seen=0
        __tg_final "$key" go
        ;;
    warn)
        __tg_show "$__tg_r_message"
        __tg_judged "$text"
        __tg_final "$key" go
        ;;
    *)
        __tg_show "$__tg_r_message"
        if [[ -n $__tg_r_confirm ]] && __tg_confirm "$text"; then
            __tg_judged "$text"
            __tg_final "$key" go
            return
        fi
        if [[ $hint == none ]]; then
            printf '%s\n' "  (this line continues a command: press Ctrl-C to abandon it)" >&2
        elif [[ -n $__tg_r_suggestion ]]; then
            READLINE_LINE=$__tg_r_suggestion
            READLINE_POINT=${#READLINE_LINE}
        fi
        __tg_final "$key" hold
        ;;
    esac
}

__tg_judged() { # text
    # (under histverify, a line bash will expand is put back on the prompt, not run, and no prompt command follows:
    # nothing is kept for it. Should bash run it unexpanded, the DEBUG trap judges it from the history as it runs.)
    if [[ $__tg_expand_key != history-expand-line ]] && __tg_reexpands "$1"; then
        return 0
    fi
    __tg_seen=1
    [[ $1 == *$'\n'* ]] && __tg_seen=2  # (see __tg_line_start)
    __tg_trace=$__tg_r_flags
    __tg_reexpands "$1" && __tg_trace+=t
    __tg_pending=$1
    __tg_pending_gen=$__tg_gen
}

# Whether bash may expand history in the line again as it reads it: history-expand-line expanded the text judged
# once, but what it put there may itself hold a designator (an entry `!-2`, added by `history -s` or read from a
# file, recalled by `!!`), which bash expands as the line is accepted: the line runs what nobody judged. Such a
# line is judged command by command as it runs (the DEBUG trap). A `!` before a blank or `=` expands nothing.
__tg_reexpands() { # text
    [[ -o histexpand ]] || return 1
    local chars=${histchars:-'!^#'}
    local bang=${chars:0:1} hat=${chars:1:1}
    [[ $1 == *"$bang"[!$' \t\n=']* || $1 == *"$bang" || (-n $hat && $1 == "$hat"*) ]]
}

# C-x C-e and vi's `v`: edit the line in $VISUAL/$EDITOR, then judge and run it like Enter does (bash's own
# edit-and-execute-command runs the edited text without a prompt, where only the DEBUG trap would see it).
__tg_edit_() {
    # (SRANDOM, bash 5.1 and later, where there is one: a draw from RANDOM moved the sequence of a user who had
    # seeded it, RANDOM=42)
    local file=${TMPDIR:-/tmp}/tenmon-guard-edit.$$.${SRANDOM:-$RANDOM}.sh
    (
        set -C
        printf '%s\n' "$READLINE_LINE" >"$file"
    ) 2>/dev/null || return
    eval "${VISUAL:-${EDITOR:-vi}}" '"$file"' </dev/tty >/dev/tty
    local text=
    IFS= read -r -d '' text <"$file"
    command rm -f -- "$file"
    text=${text%$'\n'}
    READLINE_LINE=$text
    READLINE_POINT=${#text}
}

# ----------------------------------------------------------------------------------------------------------------
# The backstop: the DEBUG trap

__tg_debug_() {
    [[ $BASH_COMMAND == __tg_* ]] && return 0
    ((__tg_fresh || __tg_percmd)) || return 0 # (the common case: a line the Enter key judged, running)
    local __tg_st
    __tg_keep
    __tg_debug_judge
    __tg_st=$?
    __tg_give_back
    return $__tg_st
}

__tg_debug_judge() {
    if ((__tg_fresh)); then
        __tg_line_start || return 1
    fi
    ((__tg_percmd)) || return 0
    ((BASHPID == $$)) || return 0
    local key=$PWD$'\x1f'$BASH_COMMAND
    [[ -n ${__tg_cache[$key]+x} ]] && return 0
    __tg_running "$BASH_COMMAND" text || return 1
    __tg_cache[$key]=1
    return 0
}

__tg_line_start() {
    # (PS0 set these two under the user's set -a, which exported them: not into the line's programs)
    [[ ${__tg_o-} == *a* ]] && export -n __tg_fresh __tg_gen
    __tg_fresh=0
    __tg_started_gen=$__tg_gen # for status: the trap saw this line start
    __tg_percmd=0
    ((${#__tg_cache[@]})) && __tg_cache=()
    if ((__tg_seen)); then
        # A text of several lines judged at Enter (a pasted block) is read by bash line after line, each started
        # with PS0, with no prompt between them: each is part of the text judged, until the next prompt (whose
        # PROMPT_COMMAND ends it). Taken back after the first line, the second was run as a line nobody judged:
        # a warning that it was not checked (the policy's unknown: block refused it).
        ((__tg_seen == 2)) || __tg_seen=0
        [[ $__tg_trace == *t* ]] && __tg_trace_on
        return 0
    fi
    # not judged at Enter: judge the whole line from history if it is there, then each command as it runs
    __tg_trace_on
    if ((HISTCMD > 0 && HISTCMD == __tg_hist_prompt)); then
        __tg_running "" history || return 1
    else
        __tg_unjudged || return 1
    fi
    return 0
}

# A line neither the Enter key nor the history holds (line editing off, or a key this hook does not own, with
# history off or a leading space under HISTCONTROL=ignorespace) cannot be judged whole: only command by command as
# it runs, and bash opens the redirections of { }, if, while ... before the DEBUG trap sees their first command
# (`{ echo x; } > LIVE/dist/index.js` wrote the file unseen). The policy's `unknown` setting decides, loudly.
__tg_unjudged() {
    __tg_why="was not given this line whole (not judged at Enter, and not in the history)"
    __tg_unanswered "$BASH_COMMAND" && return 0
    __tg_abort
    return 1
}

__tg_trace_on() {
    __tg_percmd=1
    # (the entry point took functrace off for the hook's own functions; it turns on what $__tg_o holds on return)
    if [[ $- != *T* && ${__tg_o-} != *T* ]]; then
        __tg_o+=T
        __tg_set_T=1
    fi
}

# Judge text that is about to run (DEBUG trap). Returns 1 after aborting the line.
__tg_running() { # text mode
    if ! __tg_ask "$1" history "$2"; then
        __tg_unanswered "${1:-$BASH_COMMAND}" && return 0
        __tg_abort
        return 1
    fi
    case $__tg_r_decision in
    allow | incomplete) return 0 ;;
    warn)
        __tg_show "$__tg_r_message"
        return 0
        ;;
    esac
    __tg_show "$__tg_r_message"
    if [[ -n $__tg_r_confirm ]] && __tg_confirm "${1:-$BASH_COMMAND}"; then
        return 0
    fi
    [[ -n $__tg_r_suggestion ]] && history -s -- "$__tg_r_suggestion"
    __tg_abort
    return 1
}

# Skip the command (extdebug makes the trap's status 1 skip it) and abort the rest of the line.
__tg_abort() {
    if ! shopt -q extdebug; then
        shopt -s extdebug
        __tg_set_extdebug=1
    fi
    # the interrupt may unwind the entry point before it puts the user's options back: the next prompt does
    __tg_aborted_opts+=${__tg_o-}
    kill -INT $$
}

# ----------------------------------------------------------------------------------------------------------------
# PROMPT_COMMAND: reset the per-line state, start the checker in the background

__tg_precmd_() {
    __tg_fresh=0
    __tg_seen=0
    __tg_percmd=0
    __tg_pending=
    __tg_o+=$__tg_aborted_opts
    __tg_aborted_opts=
    if ((__tg_set_T)); then
        __tg_o=${__tg_o//T/}
        __tg_set_T=0
    fi
    if ((__tg_set_extdebug)); then
        shopt -u extdebug
        __tg_set_extdebug=0
    fi
    __tg_hist_prompt=$HISTCMD
    [[ ${PS0-} == *"$__tg_ps0"* ]] || PS0=$__tg_ps0${PS0-}
    __tg_verify_keys
    __tg_alive || __tg_spawn
    return 0
}

# shopt -s histverify: bash puts a line that history expansion changed back on the prompt for the user to check,
# and runs nothing. The Enter key's history-expand-line had expanded it already, so bash found nothing to expand and
# ran it at once (!!, ^old^new: the check the user asked for was skipped). Under histverify the key leaves the
# expansion to bash: what bash puts back is judged when the user accepts it; a line bash runs unexpanded is judged
# as it runs (see __tg_enter_). Bound again only when the setting changed.
__tg_verify_keys() {
    local want=history-expand-line km
    shopt -q histverify && want=redraw-current-line
    [[ $want == "$__tg_expand_key" ]] && return 0
    __tg_expand_key=$want
    for km in emacs vi-insert vi-command; do
        bind -m "$km" "\"\\C-x\\C-t0\": $want"
    done
}

# __tg_precmd returns the status of the user's line, for the PROMPT_COMMAND parts after it (a prompt showing $?).
# Called alone, a status other than 0 ran the user's ERR trap a second time, and under set -e ended the shell (an
# interactive bash leaves `false && true` alive); as the left of && it does neither. Its last argument, and the
# bind -x keys' (__tg_enter 2 "$_"), is the user's $_, so $_ at the next line and in the user's PROMPT_COMMAND is
# the last argument of the line before, not `2` or `__tg_precmd`.
__tg_add_precmd() {
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then # (no $( ) here: this runs inside bind -x)
        PROMPT_COMMAND=("$__tg_pc" "${PROMPT_COMMAND[@]}")
    else
        # shellcheck disable=SC2178,SC2128 # a string PROMPT_COMMAND here
        PROMPT_COMMAND="$__tg_pc${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
}

# ----------------------------------------------------------------------------------------------------------------
# `tenmon-guard status` asks this shell, not a new process, whether it is guarded

# (override gets this shell's checker arguments: break-glass judges with the policy that refused the line)
if ! shopt -oq posix; then # (a name with a dash is not a function name in POSIX mode)
    tenmon-guard() {
        case ${1-} in
        status)
            shift
            __tg_status "$@"
            ;;
        override)
            shift
            "$__tg_bin" override "${__tg_args[@]}" "$@"
            ;;
        *) "$__tg_bin" "$@" ;;
        esac
    }
fi

__tg_status_() {
    local pings=() i rc=0 t0 t1
    if __tg_alive && __tg_wait_ready; then
        local in=${__TENMON_GUARD_CHECKER[1]} out=${__TENMON_GUARD_CHECKER[0]} id
        for i in 1 2 3 4 5; do
            ((++__tg_id))
            t0=${EPOCHREALTIME/[.,]/}
            trap '' PIPE
            printf '{"id":%s,"op":"ping"}\0' "$__tg_id" 1>&"$in" 2>/dev/null
            __tg_restore_pipe
            while IFS=$'\x1f' read -r -t "$__tg_timeout" -u "$out" id _; do
                [[ $id == "$__tg_id" ]] && break
            done
            t1=${EPOCHREALTIME/[.,]/}
            [[ $id == "$__tg_id" ]] && pings+=($((10#$t1 - 10#$t0)))
        done
    fi
    local trap_state=missing
    [[ ${__tg_started_gen-} == "$__tg_gen" ]] && trap_state=installed
    local enter_state=missing
    [[ $(bind -S 2>/dev/null; bind -p 2>/dev/null) == *'\C-x\C-t1'* ]] && enter_state=bound
    local ps0_state=missing
    [[ ${PS0-} == *"$__tg_ps0"* ]] && ps0_state='set'
    local -a state=(
        "shell=bash $BASH_VERSION" "shell_pid=$$" "hook=$__tg_dir/tenmon-guard.bash" "checker_pid=${__tg_pid:-}"
        "checker_alive=$(__tg_alive && echo yes || echo no)" "policies=$__tg_policies" "unknown=$__tg_unknown"
        "pings_us=${pings[*]}" "checks=$__tg_count" "check_total_us=$__tg_total_us" "check_max_us=$__tg_max_us"
        "debug_trap=$trap_state" "enter_key=$enter_state" "ps0=$ps0_state" "timeout=$__tg_timeout"
    )
    local arg
    local -a args=()
    for arg in "${state[@]}"; do args+=(--hook-state "$arg"); done
    "$__tg_bin" status "${args[@]}" "$@"
}

# ----------------------------------------------------------------------------------------------------------------
# Entry points. A user's `set -u` or `set -e` must not stop the guard half-way (a half-run Enter handler could leave
# the line to run unjudged): each entry point runs its body with both off and puts them back. Functrace (set -T) is
# off in the body too, so the hook's own functions neither run the user's RETURN trap nor call the DEBUG trap again.
# (Not `local -`: the bodies turn on set -T for the line, which must outlive them.) The options go in the entry
# point's own local __tg_o, which the helpers below set by bash's dynamic scoping: a DEBUG trap that runs inside
# another entry point (set -T) had overwritten one shared copy, and the user's set -u or set -e was lost for good
# after any line that sourced a file.
#
# The user's set -x is off in the body as well: the hook's own code printed some 400 trace lines at every Enter.
# Turning it off and on is done with the trace sent to /dev/null ({ ...; } 2>/dev/null), so a traced shell shows
# the hook's entry call alone; where /dev/null cannot be opened the same is done plainly (|| ...). The user's set -a
# is off in the body too: every variable the hook set was exported, and `env` in a program the user ran listed
# 29 of them (the judged line in __tg_pending among them).

__tg_opts_off() { # sets the caller's __tg_o
    __tg_o=${-//[^euxTa]/}
    set +euxTa
}

__tg_opts_back() { # from the caller's __tg_o
    [[ $__tg_o == *T* ]] && set -T
    [[ $__tg_o == *e* ]] && set -e
    [[ $__tg_o == *u* ]] && set -u
    [[ $__tg_o == *a* ]] && set -a
    [[ $__tg_o == *x* ]] && set -x
    return 0
}

__tg_enter() {
    { local __tg_o; __tg_opts_off; } 2>/dev/null || { local __tg_o; __tg_opts_off; }
    __tg_keep
    __tg_enter_ "$@"
    __tg_give_back
    { __tg_opts_back; } 2>/dev/null || __tg_opts_back
}

__tg_edit() {
    { local __tg_o; __tg_opts_off; } 2>/dev/null || { local __tg_o; __tg_opts_off; }
    __tg_keep
    __tg_edit_ "$@"
    __tg_give_back
    { __tg_opts_back; } 2>/dev/null || __tg_opts_back
}

# What the user's last command left in REPLY (read) and BASH_REMATCH ([[ =~ ]]) is theirs to read on the next line,
# as in a bash with no hook: judging a line sets both (the JSON helper answers in REPLY; the scans match with =~).
# BASH_REMATCH is given back where bash lets it be assigned (5.1 and later; 4.4 and 5.0 hold it read-only).
__tg_keep() {
    __tg_kept_reply=${REPLY-}
    __tg_kept_reply_set=${REPLY+x}
    __tg_kept_match=("${BASH_REMATCH[@]}")
}

__tg_give_back() {
    if [[ -n $__tg_kept_reply_set ]]; then
        REPLY=$__tg_kept_reply
    else
        unset REPLY
    fi
    ((__tg_match_writable)) && BASH_REMATCH=("${__tg_kept_match[@]}")
    return 0
}

# shellcheck disable=SC2317 # (the || side runs where /dev/null cannot be opened)
__tg_debug() {
    { local __tg_st __tg_o; __tg_opts_off; } 2>/dev/null || { local __tg_st __tg_o; __tg_opts_off; }
    __tg_debug_ "$@"
    __tg_st=$?
    { __tg_opts_back; return "$__tg_st"; } 2>/dev/null || { __tg_opts_back; return "$__tg_st"; }
}

# shellcheck disable=SC2317 # (the || side runs where /dev/null cannot be opened)
__tg_precmd() {
    # (the status of the user's line: where the first group cannot run, the second sees that group's)
    { local __tg_st=$? __tg_o; __tg_opts_off; } 2>/dev/null || { local __tg_st=$? __tg_o; __tg_opts_off; }
    __tg_precmd_
    { __tg_opts_back; return "$__tg_st"; } 2>/dev/null || { __tg_opts_back; return "$__tg_st"; }
}

# shellcheck disable=SC2317 # (the || side runs where /dev/null cannot be opened)
__tg_status() {
    { local __tg_st __tg_o; __tg_opts_off; } 2>/dev/null || { local __tg_st __tg_o; __tg_opts_off; }
    __tg_status_ "$@"
    __tg_st=$?
    { __tg_opts_back; return "$__tg_st"; } 2>/dev/null || { __tg_opts_back; return "$__tg_st"; }
}

# ----------------------------------------------------------------------------------------------------------------
# Installing

# shellcheck disable=SC2016 # ("$_" expands when the key runs)
__tg_install_keys() {
    local km
    for km in emacs vi-insert vi-command; do
        bind -m "$km" -x '"\C-x\C-t1": __tg_enter 2 "$_"'
        bind -m "$km" -x '"\C-x\C-t4": __tg_enter 3 "$_"'
        bind -m "$km" -x '"\C-x\C-t9": __tg_edit "$_"'
        bind -m "$km" '"\C-x\C-t0": history-expand-line'
        bind -m "$km" '"\C-x\C-t2": accept-line'
        bind -m "$km" '"\C-x\C-t3": operate-and-get-next'
        bind -m "$km" '"\C-m": "\C-x\C-t0\C-x\C-t1\C-x\C-t2"'
        bind -m "$km" '"\C-j": "\C-x\C-t0\C-x\C-t1\C-x\C-t2"'
    done
    bind -m emacs '"\C-o": "\C-x\C-t0\C-x\C-t4\C-x\C-t3"'
    bind -m emacs '"\C-x\C-e": "\C-x\C-t9\C-x\C-t0\C-x\C-t1\C-x\C-t2"'
    bind -m vi-command '"v": "\C-x\C-t9\C-x\C-t0\C-x\C-t1\C-x\C-t2"'
}

__tg_install() {
    __tg_user_pipe_trap=$(trap -p PIPE)
    __tg_install_keys 2>/dev/null
    # (the common case, a line the Enter key judged running, is the arithmetic alone: no function call, and one
    # trace line per command under set -x; its status is 0, so extdebug skips nothing, and $_ is left as it is)
    local old
    old=$(trap -p DEBUG)
    if [[ -n $old && $old != *__tg_debug* ]]; then
        # keep an existing DEBUG trap (bash-preexec and the like) running after ours, with its $_ intact
        old=${old#trap -- \'}
        old=${old%\' DEBUG}
        old=${old//\'\\\'\'/\'}
        trap -- "if ! ((__tg_fresh || __tg_percmd)) || __tg_debug \"\$_\"; then $old; else false; fi" DEBUG
    else
        trap -- '! ((__tg_fresh || __tg_percmd)) || __tg_debug "$_"' DEBUG
    fi
    __tg_add_precmd
    PS0=$__tg_ps0${PS0-}
}

# The hook's own functions are not the user's: they are neither sent with a line nor followed into. A user's
# function named __tg_something, defined before the hook or after it, is.
__tg_own=' '
while read -r _ _ __tg_name; do
    [[ $__tg_name == __tg_* && $__tg_before != *" $__tg_name "* ]] && __tg_own+="$__tg_name "
done <<<"$(declare -F)"
unset __tg_name __tg_before

__tg_install
if [[ ${TENMON_GUARD_SUDO-} == 1 && -r $__tg_dir/sudo-function.sh ]]; then
    # shellcheck source=/dev/null
    . "$__tg_dir/sudo-function.sh"
fi
