"""process.terminal with --console-socket: the pty master travels over SCM_RIGHTS to our receiver."""
from helpers import wait_for
from leaks import assert_nothing_left


def terminal_bundle(bundle, script):
    b = bundle().sh(script)
    b.process["terminal"] = True
    return b


def test_create_with_terminal_sends_pty_master(rt, bundle, cid, console):
    tty = console()
    b = terminal_bundle(bundle, "tty; echo hello-tty; stty size 2>/dev/null; exit 0")
    res = rt.create(cid, b, "--console-socket", tty.path)
    assert res.rc == 0, str(res)
    rt.start_and_wait(cid)
    out = tty.output().replace("\r\n", "\n")
    lines = out.splitlines()
    # The pty comes from the container's own devpts instance, so it is the first one there.
    assert lines[0] == "/dev/pts/0"
    assert lines[1] == "hello-tty"


def test_terminal_stdio_are_the_console(rt, bundle, cid, console):
    tty = console()
    b = terminal_bundle(bundle, "ls -l /dev/console; for n in 0 1 2; do readlink /proc/self/fd/$n; done")
    res = rt.create(cid, b, "--console-socket", tty.path)
    assert res.rc == 0, str(res)
    rt.start_and_wait(cid)
    lines = tty.output().replace("\r\n", "\n").splitlines()
    assert lines[0].startswith("crw"), lines
    # The console is the pty slave bind-mounted over /dev/console; stdio point at a /dev/pts slave.
    assert all(line.startswith("/dev/pts/") for line in lines[1:4]), lines
    assert len(set(lines[1:4])) == 1


def test_run_detached_with_terminal(rt, bundle, cid, console):
    tty = console()
    b = terminal_bundle(bundle, "echo via-run-detach")
    res = rt.run_detached(cid, b, "--console-socket", tty.path)
    assert res.rc == 0, str(res)
    assert "via-run-detach" in tty.output()


def test_terminal_input_reaches_container(rt, bundle, cid, console):
    tty = console()
    b = terminal_bundle(bundle, "read line; echo got:$line")
    assert rt.create(cid, b, "--console-socket", tty.path).rc == 0
    assert rt.cmd("start", cid).rc == 0
    tty.write(b"typed-text\n")
    assert "got:typed-text" in tty.output()


def test_terminal_without_console_socket_fails(rt, bundle, cid, workdir):
    b = terminal_bundle(bundle, "true")
    res = rt.create(cid, b)
    assert res.rc != 0
    assert "console" in res.err.lower(), str(res)
    assert_nothing_left(rt, workdir, cid)


def test_console_socket_without_terminal_fails(rt, bundle, cid, console, workdir):
    tty = console()
    res = rt.create(cid, bundle().args("true"), "--console-socket", tty.path)
    assert res.rc != 0
    assert "console socket" in res.err.lower(), str(res)
    assert_nothing_left(rt, workdir, cid)


def test_exec_tty_with_console_socket(rt, bundle, cid, console):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    tty = console()
    res = rt.cmd("exec", "--tty", "--detach", "--console-socket", tty.path, cid, "sh", "-c", "tty; echo exec-tty")
    assert res.rc == 0, str(res)
    lines = tty.output().replace("\r\n", "\n").splitlines()
    assert lines[0].startswith("/dev/pts/")
    assert lines[1] == "exec-tty"


def test_exec_tty_detach_without_console_socket_fails(rt, bundle, cid):
    assert rt.run_detached(cid, bundle().args("sleep", "1000")).rc == 0
    res = rt.cmd("exec", "--tty", "--detach", cid, "true")
    assert res.rc != 0
    assert "console" in res.err.lower(), str(res)
    wait_for(lambda: rt.status(cid) == "running", "the container to keep running")
