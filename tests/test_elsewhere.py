"""The languages of text that runs later or elsewhere (tenmon_guard/elsewhere.py): cron tables, sftp batches, keys
typed into a terminal multiplexer. What the guard then judges is in the corpus (tests/corpus/*.yaml)."""

from __future__ import annotations

from tenmon_guard.elsewhere import (
    UNKNOWN_HOME,
    CronJob,
    apt_settings,
    batch_steps,
    config_settings,
    cron_jobs,
    environment_file,
    installed_files,
    installed_kind,
    line_commands,
    logrotate_olddirs,
    logrotate_paths,
    logrotate_scripts,
    manager_defaults,
    placed,
    remote_directory,
    remote_path_named,
    tmpfiles_paths,
    typed_lines,
    udev_commands,
    unit_commands,
    unit_environment,
    unit_of,
    unit_settings,
)
from tenmon_guard.knowledge import load_knowledge


def test_a_cron_line_runs_its_command_after_the_time_fields() -> None:
    table = "# m h dom mon dow command\nMAILTO=ops\n*/5 * * * * /usr/local/bin/backup.sh --all\n@reboot pkill node\n"
    assert cron_jobs(table, user_field=False) == [
        CronJob("/usr/local/bin/backup.sh --all", None, None),
        CronJob("pkill node", None, None),
    ]


def test_a_system_table_names_the_user_before_the_command() -> None:
    assert cron_jobs("0 3 * * * root rm -rf /tmp/x\n@daily www-data true", user_field=True) == [
        CronJob("rm -rf /tmp/x", None, None),
        CronJob("true", None, None),
    ]


def test_a_percent_starts_the_commands_stdin_and_an_escaped_one_is_kept() -> None:
    assert cron_jobs("* * * * * bash%pkill node%exit", user_field=False) == [
        CronJob("bash", "pkill node\nexit\n", None)
    ]
    assert cron_jobs("* * * * * date +\\%F", user_field=False) == [CronJob("date +%F", None, None)]


def test_a_line_with_too_few_fields_runs_nothing_and_shell_is_remembered() -> None:
    assert cron_jobs("* * * *\nSHELL=/usr/bin/python3\n* * * * * import os", user_field=False) == [
        CronJob("import os", None, "/usr/bin/python3")
    ]


def test_the_files_cron_runs() -> None:
    files = installed_files(load_knowledge())
    kinds = {
        path: (found[0] if found else None)
        for path in (
            "/etc/crontab",
            "/etc/cron.d/backup",
            "/etc/cron.hourly/x",
            "/etc/cron.d/a/b",
            "/etc/cron.d",
            "/etc/hosts",
        )
        for found in [installed_kind(path, files)]
    }
    assert kinds == {
        "/etc/crontab": "system_cron_table",
        "/etc/cron.d/backup": "system_cron_table",
        "/etc/cron.hourly/x": "script",
        "/etc/cron.d/a/b": None,
        "/etc/cron.d": None,
        "/etc/hosts": None,
    }


def test_an_sftp_batch_and_the_sides_of_its_operands() -> None:
    spec = load_knowledge().specs["sftp"]
    steps = batch_steps("-rm dist/*\n@ls\n!pkill node\nlls -la\nput -r a\n# comment\n", spec)
    assert [(s.how, s.arguments, s.shell) for s in steps] == [
        (("rm", "r"), "dist/*", None),
        ((), "", "pkill node"),
        ((), "", "ls -la"),
        (("cp", "l", "r"), "-r a", None),
    ]
    assert placed(("cp", "l", "r"), ["-r", "a"], lambda w: w, ".") == [("o", "-r"), ("l", "a"), ("r", ".")]


def test_an_ftp_batch_runs_a_local_name_written_with_a_bar() -> None:
    """(netkit ftp's get FILE "|CMD": CMD reads the file; no local file is written, /dev/null stands for it)"""
    spec = load_knowledge().specs["ftp"]
    steps = batch_steps('user a b\nget index.js "|pkill node"\nput "|date" stamp\nGET x y|z\nbye\n', spec)
    assert [(s.how, s.arguments, s.shell) for s in steps] == [
        ((), "", "pkill node"),
        (("cp", "r", "l"), "index.js /dev/null", None),
        ((), "", "date"),
        (("cp", "l", "r"), "/dev/null stamp", None),
        (("cp", "r", "l"), "x y|z", None),
    ]


def test_the_directory_an_sftp_target_starts_in() -> None:
    assert remote_directory("ops@prod:/opt/tenmon-ark-live") == "/opt/tenmon-ark-live"
    assert remote_directory("prod") == UNKNOWN_HOME
    assert remote_directory("prod:backups") == UNKNOWN_HOME + "/backups"
    assert remote_directory("sftp://prod:2222/opt/x") == "/opt/x"
    assert remote_directory(None) is None


def test_the_path_an_sftp_target_names_as_written() -> None:
    """(sftp gets a path named that is no directory there: a trailing slash says one)"""
    assert remote_path_named("ops@prod:/srv/dist/index.js") == "/srv/dist/index.js"
    assert remote_path_named("prod:dist/") == "dist/"
    assert remote_path_named("[::1]:/srv/x") == "/srv/x"
    assert remote_path_named("sftp://prod:2222/srv/x") == "srv/x"
    assert remote_path_named("prod") is None
    assert remote_path_named("prod:") is None
    assert remote_path_named("sftp://prod") is None
    assert remote_path_named(None) is None


def test_typed_keys_run_a_line_when_it_is_ended() -> None:
    send = load_knowledge().specs["tmux"].extra["subcommands"]["send-keys"]
    assert typed_lines(["pkill", "Space", "node", "Enter"], send, literal=False) == (["pkill node"], "")
    assert typed_lines(["pkill node"], send, literal=False) == ([], "pkill node")
    assert typed_lines(["Enter"], send, literal=False, waiting="pkill node") == (["pkill node"], "")
    assert typed_lines(["x", "C-c", "ls", "C-m"], send, literal=False) == (["ls"], "")
    assert typed_lines(["ls", "Tab", "Enter"], send, literal=False) == ([None], "")
    assert typed_lines([None, "Enter"], send, literal=False) == ([None], "")
    assert typed_lines(["ls", "Enter"], send, literal=True) == ([], "lsEnter")


def test_screen_reads_escapes_in_stuffed_text() -> None:
    stuff = load_knowledge().specs["screen"].extra["subcommands"]["stuff"]
    assert typed_lines(["pkill node\\n"], stuff, literal=False) == (["pkill node"], "")
    assert typed_lines(["ls^Mpwd\\015"], stuff, literal=False) == (["ls", "pwd"], "")
    assert typed_lines(["ls^[x\\n"], stuff, literal=False) == ([None], "")


def test_a_units_commands_are_its_exec_settings() -> None:
    """systemd runs the value of each Exec...= setting, after its prefixes (- @ : + ! |); a line ending in a backslash
    goes on. Other settings run nothing."""
    unit = (
        "[Unit]\nDescription=x\n[Service]\nExecStartPre=-/bin/mkdir -p /run/x\n"
        "ExecStart=@/usr/bin/node node \\\n  /srv/a.js\nExecStop = +/usr/bin/pkill -9 node\nKillMode=mixed\n"
        "  ExecReload=/bin/kill -HUP $MAINPID\nExecStopPost=\n"
    )
    assert unit_commands(unit) == [
        "/bin/mkdir -p /run/x",
        "/usr/bin/node node    /srv/a.js",
        "/usr/bin/pkill -9 node",
        "/bin/kill -HUP $MAINPID",
    ]


def test_a_logrotate_configs_scripts_run_between_their_keyword_and_endscript() -> None:
    """postrotate (prerotate, firstaction, lastaction, preremove) ... endscript, one text each; other lines run
    nothing; a script not ended runs to the end of the file."""
    config = (
        "/var/log/x/*.log {\n  daily\n  postrotate\n    kill -HUP $(cat /run/x.pid)\n    true\n  endscript\n"
        "  firstaction\n  endscript\n}\n/var/log/y.log {\n prerotate\n  pkill node\n"
    )
    assert logrotate_scripts(config) == ["    kill -HUP $(cat /run/x.pid)\n    true", "  pkill node"]


def test_a_logrotate_config_rotates_the_files_each_block_header_names() -> None:
    """The patterns before each block's {, quoted or not, several to a header; a block's directives and scripts
    (a } inside a script's text included) name none; a header with an unbalanced quote is not known."""
    config = (
        "# /opt/x/not.log {\n/var/log/x/*.log \"/opt/a b.log\" {\n  daily\n  postrotate\n    echo '}'\n"
        '  endscript\n}\n/var/log/y.log\n{\n rotate 0\n}\n"/var/log/z.log {\n}\n'
    )
    assert logrotate_paths(config) == ["/var/log/x/*.log", "/opt/a b.log", "/var/log/y.log", None]


def test_a_logrotate_config_moves_rotated_logs_into_its_olddir() -> None:
    """olddir DIR, in a block or before them: an absolute DIR as it is, a relative one under each log's directory
    of the config (logrotate(8)); a script's text names none (round 24: the directory was not read, olddir LIVE
    was allowed)."""
    config = (
        "/var/log/x.log /srv/y.log {\n  olddir old\n  postrotate\n    echo olddir /nope\n  endscript\n}\n"
        "/var/log/z.log {\n  olddir /opt/live/dist\n}\n"
    )
    assert logrotate_olddirs(config) == ["/var/log/old", "/srv/old", "/var/log/old", "/opt/live/dist"]


def test_a_tmpfiles_config_acts_on_the_path_of_each_line_but_exclusions() -> None:
    """TYPE PATH ...: every type but x/X (with its modifiers) touches PATH; a specifier makes it not known."""
    config = (
        "# comment\nd /run/app 0755 app app -\nR! /opt/x/dist\nx /tmp/keep\nX- /tmp/keep2\n"
        "f %h/y\n\nL+ /etc/z - - - - /t\n"
    )
    assert tmpfiles_paths(config) == ["/run/app", "/opt/x/dist", None, "/etc/z"]


def test_a_units_other_settings_are_what_set_property_gives() -> None:
    """Every setting but an Exec one, as KEY=VALUE (a backslash goes on); comments and section headers are none."""
    unit = "[Service]\n# KillSignal=SIGTERM\nKillSignal = SIGKILL \nExecStop=/bin/true\nMemoryMax=1\\\nK\n"
    assert unit_settings(unit) == ["KillSignal=SIGKILL", "MemoryMax=1 K"]


def test_the_unit_a_file_configures_is_its_name_or_its_drop_in_folders() -> None:
    """NAME.service, or NAME.service.d/x.conf; a drop-in for every service, or a prefix of names, is no one unit."""
    assert unit_of("/etc/systemd/system/tenmon-ark-api.service") == "tenmon-ark-api.service"
    assert unit_of("/run/systemd/system/tenmon-ark-api.service.d/k.conf") == "tenmon-ark-api.service"
    assert unit_of("/etc/systemd/system/service.d/k.conf") is None
    assert unit_of("/etc/systemd/system/tenmon-.service.d/k.conf") is None


def test_units_and_their_drop_ins_are_installed_files() -> None:
    """A unit and a drop-in of one (a pattern of several * components) are files systemd runs the commands of."""
    files = installed_files(load_knowledge())
    for path in ("/etc/systemd/system/x.service", "/etc/systemd/system/tenmon-ark-api.service.d/x.conf"):
        found = installed_kind(path, files)
        assert found is not None and found[0] == "systemd_unit", path
    assert installed_kind("/etc/systemd/system/a/b/c.conf", files) is None
    assert installed_kind("/etc/systemd/systemx", files) is None


def test_config_files_give_the_options_their_settings_stand_for() -> None:
    """gitconfig: [section] (and [remote "o"]) then key = value, quotes removed and escapes undone as git does, a
    comment outside quotes dropped; ssh_config: each line as it is. Comments and blank lines give none."""
    gitconfig = '# x\n[core]\n\tpager = "pkill node" ; old\n[remote "o"]\n url = ext::sh\n[alias] x = !ls\n bare\n'
    assert config_settings(gitconfig, "ini") == [
        "core.pager=pkill node",
        "remote.o.url=ext::sh",
        "alias.x=!ls",
        "alias.bare=true",
    ]
    ssh_config = "Host x\n  # c\n  ProxyCommand pkill node\n"
    assert config_settings(ssh_config, "lines") == ["Host x", "ProxyCommand pkill node"]


def test_an_apt_config_gives_the_settings_apt_get_o_gives() -> None:
    """apt.conf: a key and its quoted value, scopes in braces (a list's items are KEY::=VALUE, as -o appends),
    comments (// to the end of the line, /* */, # lines) giving none, // inside a value kept. The first list's
    reading checked against what apt-config dump printed for it (apt 2.6)."""
    text = (
        'DPkg::Post-Invoke {"pkill node"; "b";};\n// DPkg::Pre-Invoke {"x";};\n'
        'Binary::apt-get { APT { Update::Pre-Invoke:: "c"; }; }; /* Foo "d"; */\n'
        '#clear Foo\nAcquire::http::Proxy "http://p:3128/";\n'
    )
    assert apt_settings(text) == [
        "DPkg::Post-Invoke::=pkill node",
        "DPkg::Post-Invoke::=b",
        "Binary::apt-get::APT::Update::Pre-Invoke::=c",
        "Acquire::http::Proxy=http://p:3128/",
    ]
    assert config_settings(text, "apt") == apt_settings(text)
    found = installed_kind("/etc/apt/apt.conf.d/99x", installed_files(load_knowledge()))
    assert found is not None and found[0] == "apt_config"


def test_a_udev_rule_runs_its_run_program_and_import_program_values() -> None:
    """udev(7): RUN+= (RUN{program}), PROGRAM= and IMPORT{program}= run a program; RUN{builtin} and IMPORT{file}
    do not; a comment line runs nothing."""
    rules = (
        'ACTION=="add", RUN+="/usr/bin/pkill node"\n# RUN+="/bin/x"\n'
        'KERNEL=="sd*", PROGRAM="/bin/id", RUN{builtin}+="kmod load", IMPORT{program}="/bin/y a", '
        'IMPORT{file}="/etc/z", RUN{program}+="w"\n'
    )
    assert udev_commands(rules) == ["/usr/bin/pkill node", "/bin/id", "/bin/y a", "w"]
    found = installed_kind("/etc/udev/rules.d/99-x.rules", installed_files(load_knowledge()))
    assert found is not None and found[0] == "udev_rules"


def test_a_units_environment_is_its_assignments_and_the_files_it_reads() -> None:
    settings = unit_settings(
        '[Service]\nEnvironment="NODE_OPTIONS=--require /tmp/x.js" A=1\nEnvironmentFile=-/tmp/e\nUser=node\n'
    )
    assert unit_environment(settings) == ([("NODE_OPTIONS", "--require /tmp/x.js"), ("A", "1")], ["/tmp/e"])
    assert environment_file("# c\nexport NODE_OPTIONS='--require /tmp/x.js'\nPORT=3000\nnot one\n") == [
        ("NODE_OPTIONS", "--require /tmp/x.js"),
        ("PORT", "3000"),
    ]


def test_the_managers_defaults_are_every_units_settings() -> None:
    text = "[Manager]\nDefaultLimitCPU=1\nLogLevel=info\nDefaultEnvironment=A=1\n"
    assert manager_defaults(text, "Default") == "LimitCPU=1\nEnvironment=A=1"


def test_a_line_format_gives_the_command_of_each_line_that_runs_one() -> None:
    anacron = "SHELL=/bin/sh\n# period delay id command\n1 5 cron.daily run-parts /etc/cron.daily\n@monthly 15 m x\n"
    pattern = r"\s*(?:@[a-z]+|[0-9]+)\s+[0-9]+\s+\S+\s+(?P<command>.*)"
    assert line_commands(anacron, pattern) == ["run-parts /etc/cron.daily", "x"]
    modprobe = "blacklist nouveau\ninstall dummy /bin/sh -c \\\n 'pkill node'\n# install x y\n"
    assert line_commands(modprobe, r"\s*(?:install|remove)\s+\S+\s+(?P<command>.*)") == ["/bin/sh -c   'pkill node'"]
