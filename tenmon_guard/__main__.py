from tenmon_guard.main import entry

entry()
