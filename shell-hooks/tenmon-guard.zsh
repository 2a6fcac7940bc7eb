# tenmon-guard: the interactive door for zsh (5.3 or later).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Source it from ~/.zshrc or /etc/zsh/zshrc (`tenmon-guard hook zsh` prints the line). It does nothing in a
# non-interactive shell, and nothing the second time it is sourced.
#
# How a line is judged (docs/interactive.md has the long version):
#
# * The widgets that accept a line (accept-line, accept-and-hold, accept-line-and-down-history,
#   accept-and-infer-next-history) are wrapped: history expansion first (expand-history, so `!!` is judged as
#   what it runs), then the whole text ($PREBUFFER$BUFFER: a line continued over several prompts is judged
#   whole) goes to the checker. Allowed: the original widget runs. Refused: the line is not accepted, the rule
#   and the approved command are shown and the approved command is put in $BUFFER (in a continuation, zle
#   send-break abandons the command and the approved command waits on the next prompt, print -z).
# * zle-line-finish (add-zle-hook-widget) judges what a widget this file does not wrap accepted, and empties the
#   buffer of a refused line, so it does not run. preexec judges what zle never saw ($3, aliases expanded).
#   When a line must be refused after zle, or judged command by command (fc, r, source, eval), a DEBUG trap is
#   installed for that line only: it skips the refused command (ERR_EXIT set in the trap) and aborts the rest of
#   the line (kill -INT $$). No DEBUG trap runs otherwise: a plain line costs nothing more than its check.
# * The checker is one long-lived `tenmon-guard serve` per shell, a process substitution (not a coproc: it
#   leaves the user's coproc and $! alone; a coproc where /proc is missing), spawned at the first prompt and again
#   when found dead; requests carry an id, late replies are dropped, SIGPIPE is ignored around writes, and when no
#   answer comes in TENMON_GUARD_TIMEOUT seconds the policy's `unknown` setting for the hook door decides, loudly.
#
# Settings: the same variables as the bash hook (TENMON_GUARD_BIN, TENMON_GUARD_ARGS, TENMON_GUARD_TIMEOUT,
# TENMON_GUARD_START_TIMEOUT, TENMON_GUARD_SUDO, NO_COLOR).

[[ -n ${ZSH_VERSION-} ]] || return 0
[[ -o interactive ]] || return 0
(( ${+__tg_loaded} )) && return 0
typeset -g __tg_loaded=1
zmodload zsh/datetime zsh/parameter 2>/dev/null
zmodload zsh/system 2>/dev/null  # ($sysparams[pid]: the checker's PID, told by itself; see __tg_spawn)
# functions named __tg_* that exist before the hook defines its own are the user's (see __tg_own below)
typeset -g __tg_before=" ${(k)functions[(I)__tg_*]} "
autoload -Uz add-zsh-hook add-zle-hook-widget

typeset -g __tg_bin=${TENMON_GUARD_BIN:-tenmon-guard}
[[ $__tg_bin == */* ]] || __tg_bin=${commands[$__tg_bin]:-$__tg_bin}
typeset -ga __tg_args
__tg_args=(${=TENMON_GUARD_ARGS})
typeset -g __tg_timeout=${TENMON_GUARD_TIMEOUT:-3}
typeset -g __tg_start_timeout=${TENMON_GUARD_START_TIMEOUT:-20}
typeset -g __tg_dir=${${(%):-%x}:A:h}
typeset -g __tg_tty=${TTY-}
typeset -g __tg_user=${(%):-%n}
typeset -g __tg_bodies=  # the function bodies the last request sends (see __tg_scan_vars)
typeset -g __tg_opts=  # the user's options the checker follows (see __tg_user_options)
typeset -g __tg_reg_json=  # the functions the line defines that zsh calls on its own (see __tg_registered_json)
typeset -g __tg_state= __tg_state_key=  # where the shell is, and the values that made it (see __tg_state_json)
typeset -g __tg_limits= __tg_limits_raw=  # its finite limits, and the text of /proc read (see __tg_limits_json)
typeset -gi __tg_hist_verify=0  # the user's HIST_VERIFY (see __tg_widget)
typeset -gi __tg_stack_as_bash=1  # zsh's options read the directory stack as bash does (see __tg_user_options)
typeset -g __tg_id=0 __tg_pid= __tg_last_pid= __tg_in= __tg_out= __tg_ready=0 __tg_failed_at=0 __tg_timeouts=0
typeset -g __tg_unknown=warn __tg_policies= __tg_why=
typeset -g __tg_seen=0 __tg_seen_text= __tg_trace= __tg_percmd=0 __tg_refuse=0 __tg_trap_on=0 __tg_user_trap=
typeset -g __tg_count=0 __tg_total_us=0 __tg_max_us=0 __tg_color=0 __tg_started=0
typeset -g __tg_r_decision= __tg_r_flags= __tg_r_suggestion= __tg_r_confirm= __tg_r_rules= __tg_r_message=
typeset -gA __tg_cache
[[ -t 2 && -z ${NO_COLOR-} && ${TERM-dumb} != dumb ]] && __tg_color=1

# ----------------------------------------------------------------------------------------------------------------
# The checker

__tg_close_fds() {
    emulate -L zsh
    # (the braces matter: `exec {fd}>&- 2>/dev/null` would send the shell's own stderr to /dev/null for good)
    [[ -n $__tg_in ]] && { exec {__tg_in}>&- } 2>/dev/null
    [[ -n $__tg_out ]] && { exec {__tg_out}<&- } 2>/dev/null
    __tg_in= __tg_out=
}

__tg_spawn() {
    emulate -L zsh
    setopt localoptions nomonitor
    local now=$EPOCHSECONDS
    (( __tg_failed_at && now - __tg_failed_at < 10 )) && return 1
    [[ -n $__tg_pid ]] && kill -KILL $__tg_pid 2>/dev/null
    __tg_close_fds
    __tg_ready=0 __tg_pid=
    # The checker is a process substitution, not a coproc: zsh has one coproc slot, which a coproc of the user's
    # would lose to it, and a coproc sets $!, which no builtin sets back; a process substitution does neither (nor
    # is it a job: `wait` does not wait for it). Its replies come back through a pipe: the read end of an empty
    # process substitution, opened again for writing through /proc (Linux) and given to the checker as its stdout,
    # so that the checker alone holds a write end and its death is an end of file here. The first line is its PID.
    local back= tag= pid=
    if { exec {__tg_out}< <(:) && exec {back}>/proc/self/fd/$__tg_out } 2>/dev/null; then
        exec {__tg_in}> >(
            exec >&$back
            # (the checker keeps none of the shell's other files open: one started again after the user opened a
            # file, `exec 9>deploy.lock; flock 9`, held it, and the lock, as long as it ran)
            local fd
            for fd in /proc/self/fd/<3->(N:t); do
                [[ -e /proc/self/fd/$fd ]] && { exec {fd}>&- } 2>/dev/null
            done
            print -r -- "spawned"$'\x1f'"${sysparams[pid]-}"
            exec "$__tg_bin" serve --format shell --shell zsh --door hook --timeout "$__tg_timeout" "${__tg_args[@]}"
        )
        exec {back}>&-
        IFS=$'\x1f' read -r -t $__tg_start_timeout -u $__tg_out tag pid
        [[ $tag == spawned && $pid == <-> ]] && __tg_pid=$pid  # (else the ready line tells it)
        return 0
    fi
    __tg_close_fds
    # Elsewhere (no /proc), a coproc. The user's $! (0: none) is read first: starting one makes $! the checker's.
    local job=$!
    coproc "$__tg_bin" serve --format shell --shell zsh --door hook --timeout "$__tg_timeout" "${__tg_args[@]}"
    __tg_pid=$!
    exec {__tg_in}>&p {__tg_out}<&p
    disown %% 2>/dev/null
    # zsh gives no way to set $! back: a job the user started (since the checker before this one) is no longer
    # what $! names, and `kill $!` would stop the checker instead. Say so, with the job's PID.
    if [[ $job != 0 && $job != $__tg_last_pid ]]; then
        print -ru2 -- "tenmon-guard: starting its checker (PID $__tg_pid) set \$!: it no longer names your last background job, $job"
    fi
    __tg_last_pid=$__tg_pid
    return 0
}

# (a checker whose PID is not known yet is starting: its ready line tells it, or that it could not start)
__tg_alive() {
    emulate -L zsh
    [[ -n $__tg_in ]] && { [[ -z $__tg_pid ]] || kill -0 $__tg_pid 2>/dev/null }
}

__tg_stop() {
    emulate -L zsh
    [[ -n $__tg_pid ]] && kill -KILL $__tg_pid 2>/dev/null
    __tg_close_fds
    __tg_pid= __tg_ready=0
}

__tg_wait_ready() {
    emulate -L zsh
    (( __tg_ready )) && return 0
    local tag pid unknown policies version rest
    if ! IFS=$'\x1f' read -r -t $__tg_start_timeout -u $__tg_out tag pid unknown policies version rest; then
        __tg_why="did not start (nothing from $__tg_bin serve in ${__tg_start_timeout}s)"
        __tg_stop
        __tg_failed_at=$EPOCHSECONDS
        return 1
    fi
    if [[ $tag != ready ]]; then
        printf -v __tg_why '%b' "could not start: $pid"
        __tg_stop
        __tg_failed_at=$EPOCHSECONDS
        return 1
    fi
    __tg_ready=1 __tg_unknown=$unknown __tg_policies=$policies
    [[ -z $__tg_pid && $pid == <-> ]] && __tg_pid=$pid
    return 0
}

__tg_json_str() {
    emulate -L zsh
    local s=$1
    if [[ $s == *[$'\\"\n\t\r']* ]]; then  # (most strings hold none: five substitutions saved)
        s=${s//\\/\\\\}
        s=${s//\"/\\\"}
        s=${s//$'\n'/\\n}
        s=${s//$'\t'/\\t}
        s=${s//$'\r'/\\r}
    fi
    REPLY="\"$s\""
}

# The aliases and function bodies the words of the text may name, as JSON members (a suffix alias for a word
# ending in .suffix: alias -s log=less makes x.log run less x.log).
__tg_scan_words() {
    emulate -L zsh
    local text=$1 w v
    local -a words queue
    local -A seen suffixes hseen
    local -i cmdpos=1 here
    __tg_extra_json=
    __tg_bodies=
    local aliases_json= globals_json= functions_json= suffixes_json= hashed_json= suffix
    queue=(${(z)text})
    # (the queue is walked by index, not shifted: words are only added at its end)
    local -i n=0 i=0 salias=${#saliases}
    while (( i < ${#queue} && n < 512 )); do
        w=${queue[++i]}
        (( n++ ))
        if [[ $w == (';'|'&&'|'||'|'|'|'&'|'|&'|';;'|'&!'|'&|'|'{'|'}'|then|do|else|elif|'!') ]]; then
            cmdpos=1  # (what follows is a command name)
            continue
        fi
        here=$cmdpos
        [[ $w == [A-Za-z_]*=* || $w == (command|exec|noglob|nocorrect|builtin|-) ]] || cmdpos=0
        # a command name the hash table binds to a program of another name (hash ls=/usr/bin/pkill at an earlier
        # prompt: ls runs pkill); only names in command position are asked (an ask of one not hashed searches PATH)
        if (( here )) && [[ -n $w && $w != *[^[:alnum:]_.+-]* && -z ${hseen[$w]-} ]]; then
            hseen[$w]=1
            if (( ${+commands[$w]} )) && [[ ${commands[$w]:t} != $w ]]; then
                __tg_json_str $w; hashed_json+=",$REPLY"
                __tg_json_str ${commands[$w]}; hashed_json+=":$REPLY"
            fi
        fi
        [[ -z $w || -n ${seen[$w]-} ]] && continue
        seen[$w]=1
        if [[ $w == [\$\`\(\"]* ]] && [[ $w == '$('*')' || $w == '`'*'`' || $w == '('*')' || $w == '"'*'"' ]]; then
            v=${w#\$}
            v=${v#[\(\`\"]}
            v=${v%[\)\`\"]}
            queue+=(';' ${(z)v})
            continue
        fi
        if (( ${+aliases[$w]} )); then
            __tg_json_str $w; aliases_json+=",$REPLY"
            __tg_json_str ${aliases[$w]}; aliases_json+=":$REPLY"
            queue+=(';' ${(z)aliases[$w]})
        elif (( ${+functions[$w]} )) && [[ $__tg_own != *" $w "* ]]; then
            __tg_function_body $w
            v=$REPLY
            __tg_bodies+=$'\n'$v
            __tg_json_str $w; functions_json+=",$REPLY"
            __tg_json_str $v; functions_json+=":$REPLY"
            queue+=(';' ${(z)v})  # the functions this one calls (f runs g) are sent too
        fi
        (( salias )) && [[ $w == ?*.* ]] || continue  # (no suffix alias, or no suffix: nothing more to look up)
        suffix=${w##*.}
        if [[ -n $suffix && -z ${suffixes[$suffix]-} ]] && (( ${+saliases[$suffix]} )); then
            suffixes[$suffix]=1
            __tg_json_str $suffix; suffixes_json+=",$REPLY"
            __tg_json_str ${saliases[$suffix]}; suffixes_json+=":$REPLY"
            queue+=(';' ${(z)saliases[$suffix]})
        fi
    done
    if (( i < ${#queue} )); then
        # cut short (more than 512 words): a name past the cut would be taken for a program (600 words, then a
        # function that runs pkill node: it ran). Every alias and function of the user's goes instead.
        aliases_json= functions_json= __tg_bodies=
        for w in ${(k)aliases}; do
            __tg_json_str $w; aliases_json+=",$REPLY"
            __tg_json_str ${aliases[$w]}; aliases_json+=":$REPLY"
        done
        for w in ${(k)functions}; do
            [[ $__tg_own == *" $w "* ]] && continue
            __tg_function_body $w
            v=$REPLY
            __tg_bodies+=$'\n'$v
            __tg_json_str $w; functions_json+=",$REPLY"
            __tg_json_str $v; functions_json+=":$REPLY"
        done
    fi
    for w in ${(k)galiases}; do
        __tg_json_str $w; globals_json+=",$REPLY"
        __tg_json_str ${galiases[$w]}; globals_json+=":$REPLY"
    done
    [[ -n $aliases_json ]] && __tg_extra_json+=",\"aliases\":{${aliases_json#,}}"
    [[ -n $globals_json ]] && __tg_extra_json+=",\"global_aliases\":{${globals_json#,}}"
    [[ -n $functions_json ]] && __tg_extra_json+=",\"functions\":{${functions_json#,}}"
    [[ -n $suffixes_json ]] && __tg_extra_json+=",\"suffix_aliases\":{${suffixes_json#,}}"
    [[ -n $hashed_json ]] && __tg_extra_json+=",\"hashed\":{${hashed_json#,}}"
}

# The functions the line may define that zsh calls later with no line naming them (an earlier prompt's
# precmd_functions+=(f), add-zsh-hook, a widget's zle -N), as a JSON member: each body is judged where later lines
# may take the shell. (A trap given as text, trap f EXIT, is not listed here: zsh's $(trap) shows only TRAP*
# functions, which the checker knows by name.)
__tg_registered_json() {
    emulate -L zsh
    __tg_reg_json=
    [[ $1 == *'()'* || $1 == *function* ]] || return 0  # (not every ( ): $(date) defines nothing
    local kept name names= widgets
    widgets=$(zle -lL 2>/dev/null)
    kept=" $precmd_functions $preexec_functions $chpwd_functions $periodic_functions $zshaddhistory_functions"
    kept+=" $zshexit_functions $widgets "
    kept=${kept//[^A-Za-z0-9_.:-]/ }
    for name in ${(z)1}; do
        [[ $name == [A-Za-z_]* ]] || continue
        name=${name%%\(*}
        [[ -n $name && $kept == *" $name "* && $names != *",\"$name\""* ]] || continue
        (( ${+functions[$name]} )) || [[ $1 == *"$name"*'()'* || $1 == *"function $name"* ]] || continue
        __tg_json_str $name
        names+=",$REPLY"
    done
    [[ -n $names ]] && __tg_reg_json=",\"registered\":[${names#,}]"
    return 0
}

# The values of the variables the text, and the bodies of the functions sent with it, name ($D, ${D...}), as JSON
# members added to __tg_extra_json: a line using a variable set at an earlier prompt (D=/opt/tenmon-ark-live, then
# rm -rf $D/dist) is judged with its value. Set scalars only, of 64 KiB at most; not zsh's special parameters, nor
# REPLY and the regex results (this hook has set them), nor ours (its locals are all named __tg_*, so none hides
# a parameter of the user's).
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

__tg_scan_vars() {
    emulate -L zsh
    local __tg_rest="$1"$'\n'$__tg_bodies __tg_name __tg_type __tg_json= __tg_exported=
    local -A __tg_seen
    local -i __tg_n=0
    local MATCH MBEGIN MEND
    local -a match mbegin mend
    # the shell's IFS where it is not zsh's default, whether the line names it or not: it splits every unquoted
    # $(...) and ${=x} (IFS=x at one prompt, then a=pkillxnode; $(echo $a) runs pkill node). A NUL in it is left
    # out: it ends the request, and the text judged holds none
    if [[ $IFS != $' \t\n\0' ]]; then
        __tg_json_str "${IFS//$'\0'/}"
        __tg_json=",\"IFS\":$REPLY"
    fi
    # $PWD where a line assigned it away from the shell's directory (or unset it: empty): a line reading it (rm -rf
    # "$PWD/dist") gets its value (elsewhere the cwd is $PWD's value)
    if [[ ! ( -n ${PWD-} && $PWD -ef . ) ]]; then
        __tg_json_str "${PWD-}"
        __tg_json+=",\"PWD\":$REPLY"
    fi
    while [[ $__tg_rest =~ '\$\{?([A-Za-z_][A-Za-z0-9_]*)' ]] && (( __tg_n++ < 256 )); do
        __tg_name=$match[1]
        __tg_rest=${__tg_rest[MEND+1,-1]}
        [[ -n ${__tg_seen[$__tg_name]-} ]] && continue
        __tg_seen[$__tg_name]=1
        [[ $__tg_name == (_|REPLY|MATCH|MBEGIN|MEND|PWD|__tg_*|__TENMON_GUARD_*) ]] && continue
        (( ${+parameters[$__tg_name]} )) || continue
        __tg_type=${parameters[$__tg_name]}
        [[ $__tg_type == (scalar|integer|float)* && $__tg_type != *special* ]] || continue
        (( ${#${(P)__tg_name}} <= 65536 )) || continue
        __tg_json_str $__tg_name
        __tg_json+=",$REPLY"
        [[ $__tg_type == *export* ]] && __tg_exported+=",$REPLY"
        __tg_json_str ${(P)__tg_name}
        __tg_json+=":$REPLY"
    done
    # $!, the last job the shell started, where the text names it: a PID the checker looks up (zsh's is 0 before)
    if [[ "$1"$'\n'$__tg_bodies == *('$!'|'${!}')* && $! != (|0) ]]; then
        __tg_json+=",\"!\":\"$!\""
    fi
    [[ -n $__tg_json ]] && __tg_extra_json+=",\"variables\":{${__tg_json#,}},\"exported\":[${__tg_exported#,}]"
    __tg_scan_attributes "$1"$'\n'$__tg_bodies
}

# The attributes that change what is assigned to the parameters the text names ($x) or assigns (x=), as a JSON
# member added to __tg_extra_json: case conversion and integer (typeset -l x at one prompt makes x=NODE at the next
# hold node). zsh 5.9 has no namerefs.
__tg_scan_attributes() {
    emulate -L zsh
    local __tg_rest=$1 __tg_name __tg_type __tg_letters __tg_json=
    local -A __tg_seen
    local -i __tg_n=0
    local MATCH MBEGIN MEND
    local -a match mbegin mend
    while [[ $__tg_rest =~ '\$\{?([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)(\[[^]]*\])?\+?=' ]] && (( __tg_n++ < 256 )); do
        __tg_name=${match[1]:-$match[2]}
        __tg_rest=${__tg_rest[MEND+1,-1]}
        [[ -n ${__tg_seen[$__tg_name]-} ]] && continue
        __tg_seen[$__tg_name]=1
        [[ $__tg_name == (_|REPLY|MATCH|MBEGIN|MEND|__tg_*|__TENMON_GUARD_*) ]] && continue
        __tg_type=${parameters[$__tg_name]-}
        __tg_letters=
        [[ $__tg_type == *-lower* ]] && __tg_letters+=l
        [[ $__tg_type == *-upper* ]] && __tg_letters+=u
        [[ $__tg_type == integer* ]] && __tg_letters+=i
        [[ -n $__tg_letters ]] || continue
        __tg_json_str $__tg_name
        __tg_json+=",$REPLY:\"$__tg_letters\""
    done
    [[ -n $__tg_json ]] && __tg_extra_json+=",\"attributes\":{${__tg_json#,}}"
    return 0
}

# A function's body in REPLY. One not loaded yet (autoload: its body is a stub, builtin autoload -X) runs the text
# of the file zsh loads it from (functions_source, else the first in $fpath): that text, and a call of the function
# after it when the file defines the function (ksh style: zsh runs the file, then calls the function), printed as
# zsh prints the body once loaded (the form later calls send).
__tg_function_body() {
    emulate -L zsh
    setopt localoptions extendedglob
    local name=$1 file text
    local -a found
    REPLY=${functions[$name]}
    [[ $REPLY == 'builtin autoload -X'* ]] || return 0
    file=${functions_source[$name]-}
    if [[ -z $file || ! -f $file ]]; then
        found=(${^fpath}/$name(N.))
        file=${found[1]-}
    fi
    [[ -n $file && -r $file ]] || return 0
    IFS= read -r -d '' text <$file
    if [[ $text == (|*[^[:alnum:]_])${name}[[:space:]]#'()'* || $text == *function[[:space:]]##${name}([[:space:]{]*|) ]]
    then
        text+=$'\n'"$name \"\$@\""
    fi
    REPLY=$text
    # the text as zsh prints a loaded function's body (parsed, not run: assigning to $functions defines one)
    { functions[__tg_parsed]=$text } 2>/dev/null
    if (( ${+functions[__tg_parsed]} )); then
        REPLY=${functions[__tg_parsed]}
        unfunction __tg_parsed
    fi
}

# Where the shell is, as JSON members in __tg_state: cwd, HOME, CDPATH, the directory stack, where cd - goes, the
# options the checker follows, color. Made again only when one of the values it is made of differs from the last
# request's (__tg_state_key holds them all, each quoted with (q), so two different sets of values never give one
# key): most Enters change none of them, and the six JSON strings cost about a quarter of a millisecond.
__tg_state_json() {
    emulate -L zsh
    local previous
    previous=~-
    local key="$__tg_color $__tg_stack_as_bash ${(q)PWD} ${(q)${HOME-}} ${(q)${CDPATH-}} ${(q)previous}"
    key+=" ${(q)${OLDPWD-}} ${(q)__tg_opts} ${#dirstack} ${(q)dirstack}"
    [[ -n ${PWD-} && $PWD -ef . ]] || key+=" ${(q)$(builtin pwd -P 2>/dev/null)}"  # (see __tg_cwd_json)
    [[ $key == "$__tg_state_key" ]] && return 0
    local color=false cwd home search
    (( __tg_color )) && color=true
    __tg_cwd_json; cwd=$REPLY
    __tg_json_str "${HOME-}"; home=$REPLY
    __tg_json_str "${CDPATH-}"; search=$REPLY  # (not a local named cdpath: that is zsh's array tied to CDPATH)
    # the options that change where cd goes or what a word names, by their bash names (AUTO_CD: the door takes it
    # as on in any case)
    local shell_opts=$__tg_opts  # (not a local named options: that is zsh's table of its options)
    # the directory stack below the cwd (pushd at an earlier prompt): where pushd, popd and cd +N go. Not sent where
    # zsh reads it otherwise than bash (PUSHD_MINUS swaps +N and -N; PUSHD_TO_HOME, or an empty stack, makes a
    # bare pushd go HOME): the checker then takes it as not known
    local stack= entry
    if (( __tg_stack_as_bash && ${#dirstack} )); then
        for entry in $dirstack; do
            __tg_json_str "$entry"
            stack+=",$REPLY"
        done
        stack=",\"dirstack\":[${stack#,}]"
    fi
    # and where cd - goes: the directory zsh left, which ~- names (zsh 5.9 keeps its own, and went there after
    # OLDPWD=/var), and $OLDPWD
    local oldpwd=
    if [[ $previous == /* ]]; then
        __tg_json_str "$previous"
        oldpwd=",\"left\":$REPLY"
    fi
    if [[ ${OLDPWD-} == /* ]]; then
        __tg_json_str "$OLDPWD"
        oldpwd+=",\"oldpwd\":$REPLY"
    fi
    __tg_state="\"cwd\":$cwd,\"home\":$home,\"cdpath\":$search$stack$oldpwd,\"options\":[${shell_opts#,}],\"door\":\"hook\",\"color\":$color"
    __tg_state_key=$key
}

# The finite soft limits that end what the shell starts (limit cputime 1, ulimit -St 1 at an earlier prompt), as a
# JSON member in __tg_limits: CPU time, data, address space, read from /proc (bytes there; ulimit counts KiB) at
# each request, as any line may have changed them (ulimit in a function, prlimit from another process). $(<FILE)
# is read by zsh itself, no fork (strace: no clone); only its parsing is skipped when the text read is the same as
# last time (the member is made of that text alone).
__tg_limits_json() {
    emulate -L zsh
    local raw=
    [[ -r /proc/self/limits ]] && raw=$(</proc/self/limits)
    [[ $raw == "$__tg_limits_raw" ]] && return 0
    local limits_json= row soft key
    for row in "${(@f)raw}"; do
        case $row in
            ('Max cpu time '*) key=t row=${row#Max cpu time} ;;
            ('Max data size '*) key=d row=${row#Max data size} ;;
            ('Max address space '*) key=v row=${row#Max address space} ;;
            (*) continue ;;
        esac
        row=${row#"${row%%[^ ]*}"}
        soft=${row%% *}
        [[ -n $soft && $soft != *[^0-9]* ]] || continue
        [[ $key != t ]] && soft=$(( soft / 1024 ))
        limits_json+=",\"$key\":\"$soft\""
    done
    [[ -n $limits_json ]] && limits_json=",\"limits\":{${limits_json#,}}"
    __tg_limits=$limits_json
    __tg_limits_raw=$raw
}

__tg_send() {
    emulate -L zsh
    setopt localoptions localtraps
    trap '' PIPE
    print -rn -u $__tg_in -- "$1"$'\0' 2>/dev/null
}

# Ask the checker about $1; $2 is the hint the message ends with. Sets __tg_r_*; returns 1 (and __tg_why) when
# there is no answer. (REPLY, where the helpers answer, is local: what the user's `read` left there is theirs to
# read at the next line, as with no hook.)
__tg_ask() {
    emulate -L zsh
    local REPLY
    local text=$1 hint=$2
    __tg_why=
    # (__tg_alive and __tg_wait_ready written out: a function call costs tens of microseconds at each Enter)
    if ! { [[ -n $__tg_in ]] && { [[ -z $__tg_pid ]] || kill -0 $__tg_pid 2>/dev/null } }; then
        __tg_spawn || { __tg_why="is not running (could not start $__tg_bin serve)"; return 1 }
    fi
    (( __tg_ready )) || __tg_wait_ready || return 1
    # the text first, unanswered: the checker reads it with its parsers while this shell gathers what the request
    # carries (half the checker's time per line, done meanwhile on another core; see serve's Checker.prefetch).
    # (a write that fails here fails for the request too, which says so)
    __tg_json_str "$text"
    local command_json=$REPLY
    __tg_send "{\"op\":\"prefetch\",\"command\":$command_json,\"hint\":\"$hint\"}"
    (( ++__tg_id ))
    __tg_scan_words "$text"
    __tg_scan_vars "$text"
    __tg_registered_json "$text"
    __tg_state_json
    __tg_limits_json
    local request="{\"id\":$__tg_id,\"command\":$command_json,$__tg_state,\"hint\":\"$hint\"$__tg_limits$__tg_reg_json$__tg_extra_json}"
    local start=$EPOCHREALTIME
    if ! __tg_send "$request"; then
        __tg_why="went away"
        __tg_stop
        return 1
    fi
    local id decision flags suggestion confirm rules message rc
    while :; do
        IFS=$'\x1f' read -r -t $__tg_timeout -u $__tg_out id decision flags suggestion confirm rules message
        rc=$?
        if (( rc != 0 )); then
            if kill -0 $__tg_pid 2>/dev/null; then
                __tg_why="did not answer within ${__tg_timeout}s"
                (( ++__tg_timeouts >= 2 )) && __tg_stop
            else
                __tg_why="went away"
                __tg_stop
            fi
            return 1
        fi
        [[ $id == $__tg_id ]] && break # a late reply to a request that timed out is dropped
    done
    __tg_timeouts=0
    local -i us=$(( (EPOCHREALTIME - start) * 1000000 ))
    (( __tg_count++, __tg_total_us += us ))
    (( us > __tg_max_us )) && __tg_max_us=$us
    __tg_r_decision=$decision __tg_r_flags=$flags __tg_r_confirm=$confirm __tg_r_rules=$rules
    __tg_r_suggestion= __tg_r_message=  # (empty for most lines: printf of nothing is nothing)
    [[ -n $suggestion ]] && printf -v __tg_r_suggestion '%b' "$suggestion"
    [[ -n $message ]] && printf -v __tg_r_message '%b' "$message"
    if [[ $decision == error ]]; then
        __tg_why="failed: $__tg_r_message"
        return 1
    fi
    return 0
}

# ----------------------------------------------------------------------------------------------------------------
# Saying it, auditing what the checker could not, asking for a confirmation

__tg_show() {
    emulate -L zsh
    [[ -n $1 ]] || return 0
    zle && zle -I
    print -ru2 -- $'\n'"$1"
}

__tg_audit() { # decision rule command
    emulate -L zsh
    local REPLY  # (the user's, as in __tg_ask)
    local log=${TENMON_GUARD_AUDIT_LOG-}
    if [[ -z $log ]]; then
        if (( EUID == 0 )); then
            log=/var/log/tenmon-guard/audit.jsonl
        else
            log=${XDG_STATE_HOME:-$HOME/.local/state}/tenmon-guard/audit.jsonl
        fi
    fi
    local now cmd cwd tty=null sudo_user=null
    TZ=UTC0 strftime -s now '%Y-%m-%dT%H:%M:%S' $EPOCHSECONDS
    __tg_json_str "$3"; cmd=$REPLY
    __tg_cwd_json; cwd=$REPLY
    [[ -n $__tg_tty ]] && __tg_json_str "$__tg_tty" && tty=$REPLY
    [[ -n ${SUDO_USER-} ]] && __tg_json_str "$SUDO_USER" && sudo_user=$REPLY
    print -r -- "{\"time\":\"$now.000Z\",\"user\":\"$__tg_user\",\"sudo_user\":$sudo_user,\"tty\":$tty,\"cwd\":$cwd,\"command\":$cmd,\"decision\":\"$1\",\"rules\":[\"$2\"],\"door\":\"hook\",\"reason\":null,\"shell\":\"zsh\",\"shell_pid\":$$}" >>$log 2>/dev/null
}

# No verdict: the policy's `unknown` setting decides, loudly. Returns 0 to run, 1 to refuse.
__tg_unanswered() {
    emulate -L zsh
    local decision=${__tg_unknown:-warn}
    __tg_audit $decision guard-error "$1"
    if [[ $decision == block ]]; then
        __tg_show "tenmon-guard: BLOCKED: the checker $__tg_why, and the policy refuses what it cannot check."
        return 1
    fi
    __tg_show "tenmon-guard: WARNING: the checker $__tg_why. This line was NOT checked and runs anyway."
    return 0
}

__tg_confirm() {
    emulate -L zsh
    local -a args
    local token rule
    for token in ${=__tg_r_confirm}; do args+=(--confirm $token); done
    for rule in ${=__tg_r_rules}; do args+=(--rule $rule); done
    __tg_cwd
    PROMPT_TOOLKIT_NO_CPR=1 "$__tg_bin" override "${args[@]}" --cwd "$REPLY" -- "$1" </dev/tty >/dev/tty 2>&1
}

# ----------------------------------------------------------------------------------------------------------------
# The accepting widgets

__tg_widget() { # original-widget-name
    emulate -L zsh
    local orig=__tg_orig_$1
    local bang=${histchars[1]:-!} hat=${histchars[2]:-^}
    # (not under HIST_VERIFY: zsh expands the line itself and puts it back on the prompt for the user to check,
    # running nothing; expanded here first, it left zsh nothing to expand and ran at once)
    if [[ -o banghist && $__tg_hist_verify == 0 && ($BUFFER == *"$bang"* || $BUFFER == "$hat"*) ]]; then
        zle expand-history # (`^old^new` too: a quick substitution of the last line)
    fi
    local text=$PREBUFFER$BUFFER hint=prompt
    [[ -n $PREBUFFER ]] && hint=next
    if [[ $text != *[^[:space:]]* ]]; then  # (blanks only)
        zle $orig
        return
    fi
    if ! __tg_ask "$text" $hint; then
        if __tg_unanswered "$text"; then
            __tg_judged "$text"
            zle $orig
        fi
        return
    fi
    case $__tg_r_decision in
    (allow)
        __tg_judged "$text"
        zle $orig
        ;;
    (incomplete)
        zle $orig
        ;;
    (warn)
        __tg_show "$__tg_r_message"
        __tg_judged "$text"
        zle $orig
        ;;
    (*)
        __tg_show "$__tg_r_message"
        if [[ -n $__tg_r_confirm ]] && __tg_confirm "$text"; then
            __tg_judged "$text"
            zle $orig
            return
        fi
        if [[ -n $PREBUFFER ]]; then
            # inside a continued command: abandon it; the approved command waits on the next prompt
            [[ -n $__tg_r_suggestion ]] && print -z -- "$__tg_r_suggestion"
            zle send-break
        elif [[ -n $__tg_r_suggestion ]]; then
            BUFFER=$__tg_r_suggestion
            CURSOR=$#BUFFER
        fi
        ;;
    esac
}

__tg_judged() {
    emulate -L zsh
    # (under HIST_VERIFY a line zsh will expand is put back on the prompt, not run: nothing is kept for it. Should
    # zsh run it unexpanded, preexec judges it as it runs.)
    (( __tg_hist_verify )) && __tg_reexpands "$1" && return 0
    __tg_seen=1
    __tg_seen_text=$1
    __tg_trace=$__tg_r_flags
    __tg_reexpands "$1" && __tg_trace+=t
    return 0  # (a status of 1 here ran the user's TRAPZERR at every line judged)
}

# Whether zsh may expand history in the text judged as it reads the line: expand-history expanded it once, but what
# it put there may itself hold a designator (an entry `!-3` added by `print -s` or read from a file, recalled by
# `!!`); and a line accepted by a widget this file does not wrap was not expanded at all (`^echo ^` after `echo
# pkill node` runs `pkill node`). Such a line is judged command by command as it runs (the DEBUG trap). A `!`
# before a blank, `=` or `(` expands nothing.
__tg_reexpands() { # text
    emulate -L zsh
    [[ -o banghist ]] || return 1
    local bang=${histchars[1]:-!} hat=${histchars[2]:-^}
    [[ $1 == *"$bang"[^$' \t\n=(']* || $1 == *"$bang" || $1 == "$hat"* ]]
}

__tg_accept-line() { { setopt localoptions noxtrace } 2>/dev/null; __tg_user_options; emulate -L zsh; __tg_widget accept-line }
__tg_accept-and-hold() { { setopt localoptions noxtrace } 2>/dev/null; __tg_user_options; emulate -L zsh; __tg_widget accept-and-hold }
__tg_accept-line-and-down-history() { { setopt localoptions noxtrace } 2>/dev/null; __tg_user_options; emulate -L zsh; __tg_widget accept-line-and-down-history }
__tg_accept-and-infer-next-history() { { setopt localoptions noxtrace } 2>/dev/null; __tg_user_options; emulate -L zsh; __tg_widget accept-and-infer-next-history }

# The user's options that change where cd goes, what a word names, what a new shell gets or what runs
# (CDABLE_VARS, NO_CASE_GLOB, CHASE_LINKS, ALL_EXPORT, CORRECT), by their bash names, into __tg_opts. Each entry point calls it first:
# emulate -L zsh resets them, so read after it they were never sent (setopt nocaseglob at one prompt, then rm -rf
# /opt/TENMON-*/dist at the next, removed the live dist with no warning).
__tg_user_options() {
    { setopt localoptions noxtrace } 2>/dev/null
    # (ALL_EXPORT read, then off for this function: it exported the globals set here into the user's programs)
    if [[ -o allexport ]]; then
        setopt noallexport
        __tg_opts=',"allexport"'
    else
        __tg_opts=
    fi
    [[ -o cdablevars ]] && __tg_opts+=',"cdable_vars"'
    [[ -o nocaseglob ]] && __tg_opts+=',"nocaseglob"'
    [[ -o chaselinks ]] && __tg_opts+=',"physical"'
    [[ -o posixbuiltins ]] && __tg_opts+=',"posix"'  # (an assignment before a special builtin stays, as in bash's)
    [[ -o correct || -o correctall ]] && __tg_opts+=',"correct"'  # (a command name mended once the user says y)
    [[ -o correctall ]] && __tg_opts+=',"correct_all"'  # (and any argument that names no file)
    __tg_stack_as_bash=1
    __tg_hist_verify=0
    [[ -o histverify ]] && __tg_hist_verify=1
    [[ -o pushdminus || -o pushdtohome ]] && __tg_stack_as_bash=0
    return 0
}

# What a widget this file does not wrap accepted: judged here; a refused line is emptied so it does not run.
__tg_line_finish() {
    { setopt localoptions noxtrace } 2>/dev/null
    # (a line a wrapped widget judged, most lines, returns first: [[ ]] with the right side quoted compares
    # strings under any options, and the user's options are read by every entry point that asks the checker)
    [[ $__tg_seen_text == "$PREBUFFER$BUFFER" ]] && return 0
    __tg_user_options
    emulate -L zsh
    local text=$PREBUFFER$BUFFER
    [[ $text != *[^[:space:]]* ]] && return 0  # (blanks only)
    if ! __tg_ask "$text" history; then
        if __tg_unanswered "$text"; then
            __tg_judged "$text"
        else
            BUFFER=
        fi
        return 0
    fi
    case $__tg_r_decision in
    (allow) __tg_judged "$text" ;;
    (incomplete) ;;
    (warn)
        __tg_show "$__tg_r_message"
        __tg_judged "$text"
        ;;
    (*)
        __tg_show "$__tg_r_message"
        if [[ -n $__tg_r_confirm ]] && __tg_confirm "$text"; then
            __tg_judged "$text"
            return 0
        fi
        [[ -n $__tg_r_suggestion ]] && print -s -- "$__tg_r_suggestion"
        BUFFER=
        __tg_seen_text=
        __tg_refuse=1 # if a continuation still runs something, the DEBUG trap stops it
        ;;
    esac
}

# ----------------------------------------------------------------------------------------------------------------
# preexec, the DEBUG trap for one line, precmd

__tg_preexec() {
    { setopt localoptions noxtrace } 2>/dev/null
    (( __tg_seen )) || __tg_user_options  # (a line a widget judged had them read there; __tg_debug reads its own)
    emulate -L zsh
    unsetopt local_traps # the DEBUG trap set (or removed) here is for the line, not for this function
    local judged=$__tg_seen
    __tg_seen=0
    __tg_percmd=0
    if (( ! __tg_refuse && ! judged )); then
        # zle never saw this line (no zle, or a path around it): judge what runs, aliases already expanded.
        # zsh is running it, so it is complete: an answer of incomplete means the checker could not read it and
        # refuses it, as here and in __tg_debug_judge
        if ! __tg_ask "$3" history; then
            __tg_unanswered "$3" || __tg_refuse=1
        else
            case $__tg_r_decision in
            (allow) ;;
            (warn) __tg_show "$__tg_r_message" ;;
            (*)
                __tg_show "$__tg_r_message"
                if ! { [[ -n $__tg_r_confirm ]] && __tg_confirm "$3" }; then
                    [[ -n $__tg_r_suggestion ]] && print -s -- "$__tg_r_suggestion"
                    __tg_refuse=1
                fi
                ;;
            esac
        fi
        __tg_percmd=1
    fi
    [[ $__tg_trace == *t* ]] && __tg_percmd=1
    if (( __tg_refuse || __tg_percmd )); then
        __tg_user_trap=${functions[TRAPDEBUG]-}
        trap '__tg_debug' DEBUG
        __tg_trap_on=1
    fi
}

__tg_debug() {
    # not emulated: the ERR_EXIT set here must reach zsh, which then skips the command
    if (( ${__tg_refuse:-0} )); then
        __tg_refuse=0
        setopt ERR_EXIT # skips this command
        kill -INT $$ # and ends the line
        return 1
    fi
    (( ${__tg_percmd:-0} )) || return 0
    __tg_user_options
    __tg_debug_judge "${ZSH_DEBUG_CMD-}" && return 0
    setopt ERR_EXIT
    kill -INT $$
    return 1
}

__tg_debug_judge() { # command; returns 1 to refuse it
    { setopt localoptions noxtrace } 2>/dev/null
    emulate -L zsh
    [[ ${funcstack[3]-} == __tg_* ]] && return 0
    local cmd=$1
    local key=$PWD$'\x1f'$cmd
    (( ${+__tg_cache[$key]} )) && return 0
    if ! __tg_ask "$cmd" history; then
        __tg_unanswered "$cmd"
        return
    fi
    case $__tg_r_decision in
    (allow) __tg_cache[$key]=1; return 0 ;;
    (warn) __tg_show "$__tg_r_message"; __tg_cache[$key]=1; return 0 ;;
    esac
    __tg_show "$__tg_r_message"
    [[ -n $__tg_r_confirm ]] && __tg_confirm "$cmd" && return 0
    [[ -n $__tg_r_suggestion ]] && print -s -- "$__tg_r_suggestion"
    return 1
}

__tg_precmd() {
    { setopt localoptions noxtrace } 2>/dev/null
    emulate -L zsh
    unsetopt local_traps # the DEBUG trap set (or removed) here is for the line, not for this function
    if (( __tg_trap_on )); then
        trap - DEBUG
        [[ -n $__tg_user_trap ]] && functions[TRAPDEBUG]=$__tg_user_trap
        __tg_trap_on=0
    fi
    __tg_seen=0 __tg_seen_text= __tg_percmd=0 __tg_refuse=0 __tg_trace=
    (( ${#__tg_cache} )) && __tg_cache=()
    __tg_started=1
    [[ -n $__tg_in ]] && { [[ -z $__tg_pid ]] || kill -0 $__tg_pid 2>/dev/null } || __tg_spawn  # (__tg_alive)
}

# ----------------------------------------------------------------------------------------------------------------
# `tenmon-guard status` asks this shell, not a new process

tenmon-guard() {
    { setopt localoptions noxtrace } 2>/dev/null
    emulate -L zsh
    case ${1-} in
    (status) shift; __tg_status "$@" ;;
    (override) shift; "$__tg_bin" override "${__tg_args[@]}" "$@" ;;
    (*) "$__tg_bin" "$@" ;;
    esac
}

__tg_status() {
    { setopt localoptions noxtrace } 2>/dev/null
    emulate -L zsh
    local -a pings state args
    local i id decision rest t0 item
    if __tg_alive && __tg_wait_ready; then
        for i in 1 2 3 4 5; do
            (( ++__tg_id ))
            t0=$EPOCHREALTIME
            __tg_send "{\"id\":$__tg_id,\"op\":\"ping\"}"
            while IFS=$'\x1f' read -r -t $__tg_timeout -u $__tg_out id decision rest; do
                [[ $id == $__tg_id ]] && break
            done
            local -i us=$(( (EPOCHREALTIME - t0) * 1000000 ))
            [[ $id == $__tg_id ]] && pings+=($us)
        done
    fi
    local enter=missing
    [[ ${widgets[accept-line]-} == user:__tg_accept-line ]] && enter=bound
    local alive=no
    __tg_alive && alive=yes
    state=(
        "shell=zsh $ZSH_VERSION" "shell_pid=$$" "hook=$__tg_dir/tenmon-guard.zsh" "checker_pid=$__tg_pid"
        "checker_alive=$alive" "policies=$__tg_policies" "unknown=$__tg_unknown" "pings_us=${pings[*]}"
        "checks=$__tg_count" "check_total_us=$__tg_total_us" "check_max_us=$__tg_max_us"
        "enter_key=$enter" "timeout=$__tg_timeout"
    )
    for item in $state; do args+=(--hook-state $item); done
    "$__tg_bin" status "${args[@]}" "$@"
}

# ----------------------------------------------------------------------------------------------------------------
# Installing

__tg_install() {
    emulate -L zsh
    local w
    for w in accept-line accept-and-hold accept-line-and-down-history accept-and-infer-next-history; do
        if [[ ${widgets[$w]-} == user:* ]]; then
            zle -A $w __tg_orig_$w
        else
            zle -A .$w __tg_orig_$w
        fi
        zle -N $w __tg_$w
    done
    add-zle-hook-widget line-finish __tg_line_finish
    add-zsh-hook preexec __tg_preexec
    precmd_functions=(__tg_precmd ${precmd_functions:#__tg_precmd})
}

# The hook's own functions are not the user's: they are neither sent with a line nor followed into. A user's
# function named __tg_something, defined before the hook or after it, is.
typeset -g __tg_own=' '
() {
    local name
    for name in ${(k)functions[(I)__tg_*]}; do
        [[ $__tg_before == *" $name "* ]] || __tg_own+="$name "
    done
}
unset __tg_before

__tg_install
if [[ ${TENMON_GUARD_SUDO-} == 1 && -r $__tg_dir/sudo-function.sh ]]; then
    . $__tg_dir/sudo-function.sh
fi
