#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""The GUI tests: a real pipecalc window under Xvfb, driven through
AT-SPI (dogtail) the way a person uses it. Prints TAP, one line per case.

Run by run-gui-tests.sh, which provides the display, the D-Bus session and
the private directories. Arguments: names (or numbers) of the cases to run;
all when none."""

import os
import sys
import time

# TAP goes to the real stdout; everything else (dogtail, GLib) to stderr.
# The runner hands TAP a descriptor of its own (PIPECALC_TAP_FD), since the
# D-Bus session's services print on the standard output they inherit.
if os.environ.get("PIPECALC_TAP_FD"):
    TAP = os.fdopen(int(os.environ["PIPECALC_TAP_FD"]), "w", buffering=1)
else:
    TAP = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import math  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402

sys.dont_write_bytecode = True

import pcgraph  # noqa: E402
import pcgui  # noqa: E402
from pcgui import App, Case, Failure, check, combo, key, type_text, wait_until  # noqa: E402

CASES = []


def case(function):
    CASES.append(function)
    return function


# ---- Cases -------------------------------------------------------------

@case
def first_result(c):
    """Launch → window → 2+2 → 4, timed."""
    app = App(c)
    window = app.wait_window()
    app.wait_local_connected()
    connected = time.monotonic() - app.started
    app.focus_entry()
    pressed = app.submit("2+2")
    answer = app.wait_outcome("2+2")
    total = time.monotonic() - app.started
    check(answer == "4", f"2+2 gave {answer!r}")
    c.note(f"launch to window {window:.2f} s, to connected {connected:.2f} s, "
           f"to first result {total:.2f} s (Enter to result {total - (pressed - app.started):.2f} s, "
           f"the rest is the simulated click and typing)")


@case
def evaluate_power(c):
    """2^10 typed in the entry, Enter: a row shows 1024."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    answer = app.evaluate("2^10")
    check(answer == "1024", f"the row of 2^10 says {answer!r}, not 1024")
    labels = app.row_labels("2^10")
    check(("1024", True) in labels, f"no visible label 1024 in the row: {labels}")
    check(app.entry_text() == "", f"the entry still holds {app.entry_text()!r} after Enter")


@case
def error_position(c):
    """1+*2: the row says what is wrong and where (from 1), the entry gets
    the expression back with the character marked."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    message = app.evaluate("1+*2")
    check("character 3" in message and "*" in message,
          f"the error row says {message!r}: no 'character 3' and '*'")
    wait_until(lambda: app.entry_text() == "1+*2", 5, "the expression back in the entry",
               state=app.entry_text)
    # The failing character is marked in the entry (underline, bold).
    run = app.entry().queryText().getAttributeRun(2, False)
    attributes, start, end = run[0], run[1], run[2]
    check(start <= 2 < end and any(a.startswith("underline:") and a != "underline:none"
                                   for a in attributes),
          f"character 3 of the entry is not marked: {attributes} [{start}, {end})")
    # Typing replaces the returned expression (it is selected).
    type_text("5-1")
    wait_until(lambda: app.entry_text() == "5-1", 5, "typing to replace the expression",
               state=app.entry_text)


@case
def user_function(c):
    """f(x) = x^2 + 1 typed in the window defines a function: the row shows
    the definition, f(3)! is 3628800, and a definition that calls itself
    says so in words, with its position."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    answer = app.evaluate("f(x) = x^2 + 1")
    check(answer == "f(x) = x^2 + 1", f"the row of the definition says {answer!r}")
    answer = app.evaluate("f(3)!")
    check(answer == "3628800", f"the row of f(3)! says {answer!r}, not 3628800")
    message = app.evaluate("g(x) = g(x) + 1")
    check("would call itself" in message and "character 8" in message,
          f"the recursive definition's row says {message!r}")


@case
def history_after_restart(c):
    """Two expressions, Ctrl+Q, start again: Up gives the newest, Up again
    the older one; the history file holds them."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    check(app.evaluate("11+1") == "12", "11+1 is not 12")
    check(app.evaluate("3*7") == "21", "3*7 is not 21")
    status = app.quit()
    check(status == 0, f"pipecalc exited with status {status} after Ctrl+Q")
    check(os.path.isfile(c.history_path), f"no history file at {c.history_path}")
    with open(c.history_path, encoding="utf-8") as history:
        saved = history.read()
    check("11+1" in saved and "3*7" in saved, f"the history file holds {saved!r}")

    again = App(c)
    again.wait_window()
    again.focus_entry()
    check(again.entry_text() == "", f"the entry starts with {again.entry_text()!r}")
    key("Up")
    wait_until(lambda: again.entry_text() == "3*7", 5, "Up to recall 3*7", state=again.entry_text)
    key("Up")
    wait_until(lambda: again.entry_text() == "11+1", 5, "Up again to recall 11+1",
               state=again.entry_text)
    key("Down")
    wait_until(lambda: again.entry_text() == "3*7", 5, "Down to come back to 3*7",
               state=again.entry_text)


@case
def history_survives_kill(c):
    """The history is on disk as soon as an expression is evaluated: a
    window killed (SIGKILL) between evaluations loses nothing."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    check(app.evaluate("40+2") == "42", "40+2 is not 42")
    pcgui.os.kill(app.pid, pcgui.signal.SIGKILL)
    app.proc.wait(timeout=10)
    again = App(c)
    again.wait_window()
    again.focus_entry()
    key("Up")
    wait_until(lambda: again.entry_text() == "40+2", 5, "Up to recall 40+2 after a kill",
               state=again.entry_text)


@case
def clear_history(c):
    """Main menu → Clear History empties the combo box and the file, for
    good: after a restart Up recalls nothing."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("5+5")
    menu = pcgui.find(app.combo_box(), lambda n: n.roleName == "menu")
    check([n.name for n in menu.children] == ["5+5"], "5+5 is not in the combo box")
    pcgui.click(app.button("Main menu"))
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == "Clear History" and pcgui.is_showing(n)),
                      5, "Clear History in the main menu")
    pcgui.click(item)
    wait_until(lambda: not [n for n in menu.children if n is not None], 5,
               "the combo box to empty", state=lambda: [n.name for n in menu.children])
    check(not os.path.exists(c.history_path) or "5+5" not in open(c.history_path).read(),
          "5+5 is still in the history file")
    check(app.quit() == 0, "pipecalc did not quit cleanly")
    again = App(c)
    again.wait_window()
    again.focus_entry()
    key("Up")
    time.sleep(0.5)
    check(again.entry_text() == "", f"Up recalls {again.entry_text()!r} after Clear History")


@case
def quit_stops_private_server(c):
    """Ctrl+Q quits cleanly and stops the private server the window started."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    servers = wait_until(app.note_servers, 10, "a private pipecalcd started by the window")
    status = app.quit()
    check(status == 0, f"pipecalc exited with status {status} after Ctrl+Q")
    wait_until(lambda: not any(pcgui.alive(pid) for pid in servers), 8,
               "the private pipecalcd to stop after Ctrl+Q",
               state=lambda: [pid for pid in servers if pcgui.alive(pid)])
    socket_dir = os.path.join(c.dir, "runtime", "pipecalc")
    left = [name for name in os.listdir(socket_dir) if name.endswith(".socket")] \
        if os.path.isdir(socket_dir) else []
    check(not left, f"sockets left behind in {socket_dir}: {left}")


@case
def socket_activated_server(c):
    """`systemctl --user start pipecalcd.socket`, as systemd would do it
    (systemd-socket-activate holding the default address): the window's
    first connection starts pipecalcd through the socket, the window uses
    it and starts no private server of its own (issue 13)."""
    socket_dir = os.path.join(c.dir, "runtime", "pipecalc")
    os.makedirs(socket_dir, mode=0o700, exist_ok=True)
    os.chmod(os.path.join(c.dir, "runtime"), 0o700)
    address = os.path.join(socket_dir, "socket")
    log = open(os.path.join(c.dir, "activated-pipecalcd.log"), "wb")
    env = pcgui.sanitizer_env(c.base_env(), gui=False)
    activator = subprocess.Popen(["systemd-socket-activate", "-l", address,
                                  pcgui.PIPECALCD, "--verbose", "--exit-idle=30"],
                                 env=env, stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    log.close()

    def stop():
        if activator.poll() is None:
            os.killpg(activator.pid, signal.SIGTERM)
            activator.wait(timeout=10)
    c.cleanups.append(stop)
    wait_until(lambda: os.path.exists(address), 10, f"systemd-socket-activate listening at {address}")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    answer = app.evaluate("2^10")
    check(answer == "1024", f"2^10 gave {answer!r} through the activated server")
    check(not app.note_servers(), f"the window started a private server: {sorted(app.servers)}")
    with open(os.path.join(c.dir, "activated-pipecalcd.log"), encoding="utf-8", errors="replace") as f:
        served = f.read()
    check("from systemd" in served and "2^10" in served,
          f"the activated pipecalcd did not serve the window; its log: {served[-600:]!r}")
    check(app.quit() == 0, "pipecalc did not quit cleanly")


@case
def combo_oldest_first(c):
    """a, b, a: the combo box lists b then a, once each: oldest first, the
    newest at the bottom, as the results list has them."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    for expression in ("1+2", "3*4", "1+2"):
        app.evaluate(expression)
    menu = pcgui.find(app.combo_box(), lambda n: n.roleName == "menu")

    def items():
        return [n.name for n in menu.children if n is not None and n.roleName == "menu item"]
    wait_until(lambda: items() == ["3*4", "1+2"], 5, "the combo box to list 3*4, 1+2",
               state=items)

    # Open it as a person does, with the arrow at the right of the entry.
    x, y = app.combo_box().position
    w, h = app.combo_box().size
    ex, _ = app.entry().position
    ew, _ = app.entry().size
    check(x + w - (ex + ew) > 8, "the combo box has no arrow button right of its entry")
    pcgui.rawinput.click((ex + ew + x + w) // 2, y + h // 2)
    shown = wait_until(lambda: [n.name for n in menu.children
                                if n is not None and pcgui.is_showing(n)], 5,
                       "the history popup to open", state=items)
    check(shown == ["3*4", "1+2"], f"the popup shows {shown}")
    key("Escape")
    wait_until(lambda: not any(pcgui.is_showing(n) for n in menu.children if n is not None), 5,
               "the popup to close")


def remote_settings(c, port, **more):
    c.set_settings(mode="remote", remote_host="127.0.0.1", remote_transport="tcp",
                   remote_port=port, **more)


@case
def local_fifo_private(c):
    """Local server over fifo with nothing running: the window starts a
    private server on the fifo address, computes with it, and stops it on
    quit, leaving no FIFO behind."""
    c.gsettings("set", pcgui.SCHEMA, "local-transport", "fifo")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s.endswith("fifo"), "to show the local fifo server")
    servers = wait_until(app.note_servers, 10, "a private pipecalcd started by the window")
    check(app.evaluate("2^10") == "1024", "2^10 is not 1024 over fifo")
    status = app.quit()
    check(status == 0, f"pipecalc exited with status {status} after Ctrl+Q")
    wait_until(lambda: not any(pcgui.alive(pid) for pid in servers), 8,
               "the private pipecalcd to stop after Ctrl+Q")
    fifo = os.path.join(c.dir, "runtime", "pipecalc", "fifo")
    check(not os.path.exists(fifo), f"the request FIFO {fifo} was left behind")


@case
def remote_from_settings(c):
    """Remote mode set in the settings before launch: a tcp server the
    test started computes 6*7."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(app.evaluate("6*7") == "42", "6*7 is not 42")
    check(not app.note_servers(), "the window started a private server in remote mode")


@case
def remote_from_dialog(c):
    """Connection… → Remote server, host, port, Connect: the window moves
    from its private server to the test's tcp server."""
    server = pcgui.TestServer(c).start()
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    private = set(app.note_servers())

    menu_button = app.button("Main menu")
    pcgui.click(menu_button)
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == "Connection…" and pcgui.is_showing(n)),
                      5, "Connection… in the main menu")
    pcgui.click(item)
    dialog = wait_until(lambda: next((n for n in app.node.children if n is not None
                                      and n.roleName == "dialog" and pcgui.is_showing(n)), None),
                        10, "the Connection dialog")

    def control(role, name):
        # Named itself, or by its label (the mnemonic label's relation, as
        # a screen reader reads it).
        return wait_until(lambda: pcgui.find(dialog, lambda n: n.roleName == role
                                             and (n.name or pcgui.label_of(n)) == name
                                             and pcgui.is_showing(n)),
                          5, f"a {role} named {name!r} in the Connection dialog",
                          state=lambda: sorted({(n.roleName, n.name) for n in pcgui.descendants(dialog)
                                                if n.name}))
    remote = control("radio button", "Remote server")
    pcgui.click(remote)
    wait_until(lambda: pcgui.has_state(remote, pcgui.pyatspi.STATE_CHECKED), 5,
               "Remote server to be chosen")
    host = control("text", "Host")
    wait_until(lambda: pcgui.has_state(host, pcgui.pyatspi.STATE_SENSITIVE), 5,
               "the host entry to become usable")
    pcgui.click(host)
    combo("<Control>a")
    type_text("127.0.0.1")
    wait_until(lambda: pcgui.text_of(host) == "127.0.0.1", 5, "the host typed",
               state=lambda: pcgui.text_of(host))
    port = control("spin button", "Port")
    pcgui.click(port)
    combo("<Control>a")
    type_text(str(server.port))
    key("Tab")
    wait_until(lambda: pcgui.text_of(port) == str(server.port), 5, "the port typed",
               state=lambda: pcgui.text_of(port))
    pcgui.click(control("push button", "Connect"))
    wait_until(lambda: not pcgui.is_showing(dialog), 10, "the dialog to close",
               state=lambda: [n.name for n in pcgui.descendants(dialog)
                              if n.roleName == "label" and pcgui.is_showing(n)])

    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    app.focus_entry()
    check(app.evaluate("6*7") == "42", "6*7 is not 42")
    check(c.gsettings("get", pcgui.SCHEMA, "mode") == "'remote'",
          "the dialog did not save mode=remote")
    check(c.gsettings("get", pcgui.SCHEMA, "remote-port") == str(server.port),
          "the dialog did not save the port")
    left = [pid for pid in private if pcgui.alive(pid)]
    if left:
        c.note(f"the private server {left} still runs after switching to remote")


@case
def remote_token_tls(c):
    """A remote server with TLS and a token: the dialog's TLS switch and
    CA file are usable, the token typed there reaches the server, and it
    is kept in a private file (no keyring in the test session), never in
    the settings; the next launch connects with it alone."""
    token = "tls and a token for the window"
    cert, key_file = pcgui.make_certificate(c.dir)
    server = pcgui.TestServer(c, tls=True, args=["--tls-cert", cert, "--tls-key", key_file,
                                                 "--auth-token-file",
                                                 pcgui.write_token(c.dir, token)]).start()
    remote_settings(c, server.port, use_tls="true", tls_ca_file=f"'{cert}'")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    dialog = pcgui.open_connection_dialog(app)
    tls = pcgui.dialog_control(dialog, "check box", "Use TLS")
    check(pcgui.has_state(tls, pcgui.pyatspi.STATE_SENSITIVE), "Use TLS is not usable for tcp")
    check(pcgui.has_state(tls, pcgui.pyatspi.STATE_CHECKED), "Use TLS is off though the settings say on")
    ca = wait_until(lambda: pcgui.find(dialog, lambda n: n.name == "Certificate authority"
                                       and n.roleName != "label" and pcgui.is_showing(n)),
                    5, "the CA file chooser, named for screen readers")
    check(pcgui.has_state(ca, pcgui.pyatspi.STATE_SENSITIVE), "the CA file chooser is not usable")
    pcgui.dialog_control(dialog, "push button", "Use the system’s trusted authorities")
    entry = pcgui.dialog_control(dialog, "password text", "Access token")
    pcgui.click(entry)
    combo("<Control>a")
    type_text(token)
    pcgui.click(pcgui.dialog_control(dialog, "push button", "Connect"))
    wait_until(lambda: not pcgui.is_showing(dialog), 10, "the dialog to close")

    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    app.focus_entry()
    check(app.evaluate("6*7") == "42", "6*7 is not 42 over TLS with the token")

    stored = os.path.join(c.dir, "config", "pipecalc", "access-token")
    wait_until(lambda: os.path.exists(stored), 5, f"the token to be stored in {stored}")
    mode = os.stat(stored).st_mode & 0o777
    check(mode == 0o600, f"{stored} has mode {mode:o}, not 600")
    with open(stored, encoding="utf-8") as f:
        check(f.read().strip() == token, f"{stored} does not hold the token")
    check(c.gsettings("get", pcgui.SCHEMA, "access-token") == "''",
          "the token went to GSettings")
    for root, _, files in os.walk(os.path.join(c.dir, "config", "glib-2.0")):
        for name in files:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                check(token not in f.read(), f"the token is in the settings file {name}")

    status = app.quit()
    check(status == 0, f"pipecalc exited with status {status}")
    again = App(c)
    again.wait_window()
    again.focus_entry()
    again.wait_subtitle(lambda s: s == server.address, f"to read {server.address} again")
    check(again.evaluate("2^10") == "1024", "the next launch did not present the stored token")


@case
def log_panel(c):
    """Ctrl+L shows the log: the connection, → 2+2 and ← 4."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    log = app.log_view()
    check(not pcgui.is_showing(log), "the log panel shows before Ctrl+L")
    combo("<Control>l")
    wait_until(lambda: pcgui.is_showing(log), 5, "Ctrl+L to show the log")
    check(app.evaluate("2+2") == "4", "2+2 is not 4")
    wait_until(lambda: all(s in app.log_text() for s in ("Connected to", "→ 2+2", "← 4")), 5,
               "the log to show 'Connected to', '→ 2+2', '← 4'",
               state=lambda: app.log_text()[-600:])
    combo("<Control>l")
    wait_until(lambda: not pcgui.is_showing(log), 5, "Ctrl+L again to hide the log")


@case
def newest_in_view(c):
    """With more results than fit, the newest row and the newest log line
    are scrolled into view, as a person expects after pressing Enter."""
    c.set_settings(show_log="true")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    expressions = [f"{i}*{i}" for i in range(1, 13)]
    for expression in expressions:
        app.evaluate(expression)

    def inside(box, pane):
        """box (x, y, w, h) lies within the visible part of pane."""
        py, ph = pane.position[1], pane.size[1]
        return box[3] > 0 and py - 1 <= box[1] and box[1] + box[3] <= py + ph + 1

    def newest_row():
        row = [r for r in app.results().children if r is not None][-1]
        return (*row.position, *row.size)

    def last_log_line():
        text = app.log_view().queryText()
        extents = text.getCharacterExtents(max(text.characterCount - 2, 0), pcgui.pyatspi.DESKTOP_COORDS)
        return tuple(extents)

    results_pane = app.results().parent.parent
    log_pane = app.log_view().parent
    problems = []
    for what, box, pane in (("the newest result row", newest_row, results_pane),
                            ("the newest log line", last_log_line, log_pane)):
        try:
            wait_until(lambda: inside(box(), pane), 3, f"{what} in view",
                       state=lambda: f"{box()} (x, y, w, h) in a pane at {pane.position} "
                                     f"sized {pane.size}")
        except Failure as error:
            problems.append(str(error))
    check(not problems, "; ".join(problems))


@case
def server_lost_and_back(c):
    """kill -9 of the server: Disconnected, still responsive, 1+1 waits and
    is answered once the server is back on the same port."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(app.evaluate("2*2") == "4", "2*2 is not 4")

    server.kill()
    app.wait_subtitle(lambda s: "Disconnected" in s, "to say Disconnected", timeout=10)
    app.submit("1+1")
    check(app.outcome("1+1") == "…", f"the 1+1 row is not pending: {app.rows()}")
    # The window keeps working meanwhile: the entry takes text, Escape clears it.
    type_text("77")
    wait_until(lambda: app.entry_text() == "77", 5, "the entry to take text while disconnected",
               state=app.entry_text)
    key("Escape")
    wait_until(lambda: app.entry_text() == "", 5, "Escape to clear the entry",
               state=app.entry_text)
    time.sleep(1.5)
    check(app.outcome("1+1") == "…", f"the 1+1 row gave up while disconnected: {app.rows()}")

    server.start()
    app.wait_subtitle(lambda s: s == server.address, f"to come back to {server.address}",
                      timeout=45)
    answer = app.wait_outcome("1+1", timeout=10)
    check(answer == "2", f"the 1+1 typed while disconnected gave {answer!r}")


@case
def silent_server_timeout(c):
    """A server that accepts and never answers: the row says it did not
    answer within 2 seconds, and the window stays responsive meanwhile."""
    server = pcgui.SilentServer(c)
    remote_settings(c, server.port, request_timeout=2)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    sent = app.submit("2+2")
    # Responsive while waiting: the log opens, the Cancel button shows.
    combo("<Control>l")
    wait_until(lambda: pcgui.is_showing(app.log_view()), 1.5,
               "Ctrl+L to show the log while the request waits")
    check(app.outcome("2+2") == "…", f"the row did not wait for the answer: {app.rows()}")
    cancel = app.button("Cancel")
    check(cancel is not None and pcgui.is_showing(cancel),
          "no Cancel button shows while a request waits")
    answer = app.wait_outcome("2+2", timeout=6)
    waited = time.monotonic() - sent
    check("did not answer within 2 seconds" in answer, f"the row says {answer!r}")
    check(1.5 <= waited <= 5 * pcgui.SCALE, f"the timeout came after {waited:.1f} s, not ~2 s")
    check(b'"2+2"' in server.received, "the request never reached the server")
    c.note(f"timeout shown after {waited:.2f} s")


@case
def russian(c):
    """LANGUAGE=ru: the window's title, names and subtitle are Russian."""
    locales = pcgui.subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    check("ru_ru.utf8" in locales or "ru_ru.utf-8" in locales,
          "the ru_RU.UTF-8 locale is not installed (tools/install-deps.sh test generates it)")
    app = App(c, language="ru")
    t = app.strings
    # The results placeholder is not on the AT-SPI bus; its translation
    # must exist all the same.
    t.translated("Type an expression and press Enter")
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()

    def names(role):
        return {n.name for n in pcgui.descendants(app.frame()) if n.roleName == role}

    def attribute(node, name):
        return dict(a.split(":", 1) for a in node.getAttributes()).get(name)

    wrong = []
    for what, read, want in [
            ("the title", lambda: app.frame().name, t.translated("Pipe Calculator")),
            ("the entry's name", lambda: app.entry().name, t.translated("Expression")),
            ("the combo box's name", lambda: app.combo_box().name, t.translated("History")),
            ("the results list's name", lambda: app.results().name, t.translated("Results")),
            ("the log's name", lambda: app.log_view() and app.log_view().name, t.translated("Log")),
            ("the entry's placeholder", lambda: attribute(app.entry(), "placeholder-text"),
             t.translated("Expression, e.g. 2^10")),
            ("the subtitle", app.subtitle, t.translated("Local server · %s") % "unix")]:
        try:
            seen = read()
        except pcgui._TRANSIENT as error:
            seen = f"(unreadable: {error})"
        if seen != want:
            wrong.append(f"{what} is {seen!r}, not {want!r}")
    buttons = names("push button") | names("toggle button")
    for msgid in ("Evaluate", "Main menu", "_Connection…", "_Quit"):
        want = t.translated(msgid).replace("_", "")
        if want not in buttons:
            wrong.append(f"no button {want!r} (for {msgid!r}); buttons: {sorted(buttons)}")
    check(not wrong, "; ".join(wrong))

    english = ["Pipe Calculator", "Expression", "Evaluate", "Results", "Main menu", "History",
               "Expression, e.g. 2^10", "Local server · unix", "Type an expression and press Enter",
               "Connection…", "Show Log", "Clear History", "Preferences", "Quit", "Log",
               "Save As…", "Clear", "Cancel", "Waiting for the server"]
    strings = set(pcgui.all_strings(app.frame()))
    left = [s for s in english if s in strings]
    check(not left, f"English strings in the Russian window: {left}")
    # Numbers keep the protocol's decimal point in any language.
    answer = app.evaluate("1/4")
    check(answer == "0.25", f"1/4 shows {answer!r} in Russian, not 0.25")


@case
def single_instance(c):
    """A second launch presents the existing window and exits."""
    first = App(c)
    first.wait_window()
    first.focus_entry()
    first.wait_local_connected()
    # The pointer leaves the window, and the keyboard with it (no window
    # manager: the focus follows the pointer), so presenting shows.
    pcgui.rawinput.absoluteMotion(1270, 890)
    wait_until(lambda: not pcgui.has_state(first.frame(), pcgui.pyatspi.STATE_ACTIVE), 5,
               "the window to be inactive with the pointer away")
    second = App(c)
    try:
        status = second.proc.wait(timeout=15 * pcgui.SCALE)
    except pcgui.subprocess.TimeoutExpired:
        raise Failure("the second launch is still running after 15 s") from None
    check(status == 0, f"the second launch exited with status {status}")
    time.sleep(1)
    running = pcgui.processes_of(pcgui.PIPECALC)
    check(running == [first.pid], f"pipecalc processes: {running}, expected only {first.pid}")
    apps = [a for a in pcgui.tree.root.applications() if a is not None and a.name == first.node.name]
    frames = [f for a in apps for f in a.children if f is not None and f.roleName == "frame"
              and pcgui.is_showing(f)]
    check(len(frames) == 1, f"{len(frames)} windows show")
    wait_until(lambda: pcgui.has_state(first.frame(), pcgui.pyatspi.STATE_ACTIVE), 5,
               "the second launch to present (activate) the existing window")
    first.focus_entry()
    check(first.evaluate("1+1") == "2", "the window does not work after the second launch")


def choose_format(app, label):
    """The number format button beside the main menu, then one of its
    items (its label as the menu shows it, mnemonic underscore gone)."""
    t = app.strings
    name = t.translated(label).replace("_", "")
    button = wait_until(lambda: app.button(t.translated("Number format")), 5,
                        "the number format button")
    pcgui.click(button)
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName in (
        "push button", "radio button", "check box", "toggle button", "radio menu item")
        and n.name == name and pcgui.is_showing(n)), 5, f"{name!r} in the number format menu")
    pcgui.click(item)
    # A radio item may leave the menu open to show the choice: Escape.
    time.sleep(0.5)
    if pcgui.is_showing(item):
        key("Escape")
    wait_until(lambda: not pcgui.is_showing(item), 5, "the number format menu to close")


def copy_row(app, expression):
    """Selects and focuses the row of expression, then Ctrl+C."""
    results = app.results()
    rows = [r for r in results.children if r is not None and r.roleName == "list item"]
    index = next(i for i, r in enumerate(rows) if r.name.startswith(app._row_prefix(expression)))
    results.querySelection().selectChild(index)
    rows[index].queryComponent().grabFocus()
    wait_until(lambda: pcgui.has_state(rows[index], pcgui.pyatspi.STATE_FOCUSED), 5,
               f"keyboard focus on the row of {expression}")
    combo("<Control>c")


def clipboard_text():
    """The clipboard's text, read as another X client would."""
    import gi
    gi.require_version("Gtk", "3.0")
    from gi.repository import Gdk, Gtk
    clipboard = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
    return wait_until(lambda: clipboard.wait_for_text(), 5, "text on the clipboard")


def wait_value(app, expression, want, what):
    return wait_until(lambda: app.outcome(expression) == want, 5,
                      f"the row of {expression} to show {want!r} {what}",
                      state=lambda: app.outcome(expression))


def number_format(c, language):
    locales = pcgui.subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    if language == "ru":
        check("ru_ru.utf8" in locales or "ru_ru.utf-8" in locales,
              "the ru_RU.UTF-8 locale is not installed (tools/install-deps.sh test generates it)")
    app = App(c, language=language)
    t = app.strings
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    check(app.evaluate("0.75") == "0.75", "0.75 is not 0.75 in the automatic format")
    check(app.evaluate("255") == "255", "255 is not 255")
    big = app.evaluate("2^64")
    # The rounded text, with all the digits under it.
    exactly = t.translated("Exactly %s") % "18446744073709551616"
    check(big == f"1.84467440737096e+19 ({exactly})", f"2^64 shows {big!r}")

    choose_format(app, "F_raction")
    wait_value(app, "0.75", "3/4", "as a fraction")
    check(app.outcome("255") == "255", f"255 as a fraction is {app.outcome('255')!r}")
    check(c.gsettings("get", pcgui.SCHEMA, "number-style") == "'frac'",
          "the fraction format is not saved in the settings")
    button_label = t.translated("Fraction")
    described = app.button(t.translated("Number format")).description
    check(described == button_label, f"the format button says {described!r}, not {button_label!r}")

    choose_format(app, "_Hexadecimal")
    wait_value(app, "255", "0xFF", "in hexadecimal")
    wait_value(app, "2^64", "0x10000000000000000", "in hexadecimal")
    not_whole = t.translated("Not a whole number: shown in decimal")
    wait_value(app, "0.75", f"0.75 ({not_whole})", "in decimal, with a note")

    choose_format(app, "_Fixed Decimals")
    wait_value(app, "2^64", "18446744073709551616.00", "with all its digits")
    wait_value(app, "0.75", "0.75", "with two decimals")

    # Ctrl+C on a row copies the value as it is shown.
    copy_row(app, "2^64")
    copied = clipboard_text()
    check(copied == "18446744073709551616.00", f"Ctrl+C copied {copied!r}")

    choose_format(app, "_Automatic")
    wait_value(app, "0.75", "0.75", "back in the automatic format")
    check(app.quit() == 0, "pipecalc did not quit cleanly")


@case
def number_format_en(c):
    """The number format button: fraction, hexadecimal, fixed and back, on
    the rows already shown; 2^64 with all its digits; saved."""
    number_format(c, None)


@case
def number_format_ru(c):
    """The same in Russian."""
    number_format(c, "ru")


@case
def not_a_number_in_words(c):
    """1/0 and sqrt(-1) say what happened in words, in English and Russian."""
    for language in (None, "ru"):
        app = App(c, language=language)
        t = app.strings
        app.wait_window()
        app.focus_entry()
        app.wait_local_connected()
        words = t.translated("Infinity: a division by zero, or a result too large for a number")
        answer = app.evaluate("1/0")
        check(answer == f"∞ ({words})", f"1/0 shows {answer!r}")
        answer = app.evaluate("-1/0")
        check(answer == f"−∞ ({words})", f"-1/0 shows {answer!r}")
        undefined = t.translated("Not a real number, such as the square root of a negative number or 0/0")
        answer = app.evaluate("sqrt(-1)")
        check(answer.endswith(f"({undefined})"), f"sqrt(-1) shows {answer!r}")
        # The words are on screen, not only for screen readers.
        labels = app.row_labels("1/0")
        check((words, True) in labels, f"the row of 1/0 shows {labels}")
        check(app.quit() == 0, "pipecalc did not quit cleanly")


# ---- The graph pane (issue 14) -------------------------------------------

def graph_app(c, language=None, expression="sin(x)"):
    # Tall enough for the results, a graph of a good height and the log.
    c.set_settings(window_width=600, window_height=760)
    app = App(c, language=language)
    app.wait_window()
    pcgraph.open_graph(c, app, expression)
    return app


@case
def graph_sin(c):
    """sin(x), Ctrl+G: the curve is drawn where sin says, column by column;
    one sample per pixel."""
    app = graph_app(c)
    shot = pcgraph.Shot(app, os.path.join(c.dir, "sin.png"))
    x_from, x_to, y_from, y_to = shot.range
    check(abs(x_from + 10) < 1e-6 and abs(x_to - 10) < 1e-6, f"the view is not x from -10 to 10: {shot.range}")
    checked = 0
    for i in range(14):
        column = int(shot.w * (0.12 + 0.8 * i / 13))
        expected = shot.row_of(math.sin(shot.x_at(column)))
        rows = shot.curve_rows(column, pcgraph.BLUE)
        check(rows, f"no curve in column {column} (x = {shot.x_at(column):.3f}); "
                    f"sin there is at row {expected:.1f}")
        near = [r for r in rows if abs(r - expected) <= 4]
        far = [r for r in rows if abs(r - expected) > 8]
        check(near, f"column {column}: the curve is at rows {rows}, sin(x) at {expected:.1f}")
        check(not far, f"column {column}: curve pixels at rows {far}, far from sin(x) at {expected:.1f}")
        checked += 1
    requests = pcgraph.sample_requests(app)
    check(requests and requests[-1][2] == shot.w,
          f"the last request asked for {requests[-1:]} points, the graph is {shot.w} pixels wide")
    c.note(f"{checked} columns on sin(x), {shot.w}x{shot.h} graph, {requests[-1][2]} points")


@case
def graph_tan_asymptotes(c):
    """tan(x): no vertical line across the view at π/2 + kπ; the curve
    on both sides of each."""
    app = graph_app(c, expression="tan(x)")
    shot = pcgraph.Shot(app, os.path.join(c.dir, "tan.png"))
    x_from, x_to, _, _ = shot.range
    seen = 0
    for k in range(-4, 4):
        asymptote = math.pi / 2 + k * math.pi
        column = shot.column_of(asymptote)
        if column < 60 or column > shot.w - 30:
            continue
        seen += 1
        for dc in range(-3, 4):
            col = int(round(column)) + dc
            middle = [r for r in shot.curve_rows(col, pcgraph.BLUE)
                      if shot.h * 0.25 < r < shot.h * 0.75]
            check(not middle, f"a line across the asymptote at x = {asymptote:.4f}: column {col} "
                              f"has curve pixels at rows {middle}")
        for side in (-25, 25):
            check(shot.curve_rows(int(round(column)) + side, pcgraph.BLUE),
                  f"no curve {side} pixels from the asymptote at {asymptote:.4f}")
    check(seen >= 4, f"only {seen} asymptotes in view {shot.range}")
    c.note(f"{seen} asymptotes checked")


@case
def graph_zoom_pan(c):
    """Scroll zooms around the pointer, a drag pans, + and − and Ctrl+0
    with the focus on the graph; each asks the server again (the log
    shows the `sample` requests), a handful of requests per gesture."""
    app = graph_app(c)
    node = pcgraph.view(app)
    x, y = node.position
    w, h = node.size
    x0 = pcgraph.view_range(app)

    before, sent = pcgraph.value_lines(app), len(pcgraph.sample_requests(app))
    px, py = x + w // 4, y + h // 2
    pointer_x = x0[0] + (w // 4 + 0.5) / w * (x0[1] - x0[0])
    for _ in range(3):
        pcgui.rawinput.click(px, py, button=4)
        time.sleep(0.05)
    pcgraph.wait_resample(app, before, "a new sample after zooming in")
    x1 = pcgraph.view_range(app)
    check(x1[1] - x1[0] < (x0[1] - x0[0]) * 0.7, f"scrolling up did not zoom in: {x0} → {x1}")
    still = x1[0] + (w // 4 + 0.5) / w * (x1[1] - x1[0])
    check(abs(still - pointer_x) < (x1[1] - x1[0]) / w * 3,
          f"the point under the pointer moved from x = {pointer_x} to {still}")
    last = pcgraph.sample_requests(app)[-1]
    check(abs(last[0] - x1[0]) < 1e-3 * (x1[1] - x1[0]) + 1e-5 and abs(last[1] - x1[1]) < 1e-3 * (x1[1] - x1[0]) + 1e-5,
          f"the last request {last} is not for the view {x1}")
    zoom_requests = len(pcgraph.sample_requests(app)) - sent

    before, sent = pcgraph.value_lines(app), len(pcgraph.sample_requests(app))
    pcgui.rawinput.drag((x + w // 2, y + h // 2), (x + w // 2 - 100, y + h // 2))
    pcgraph.wait_resample(app, before, "a new sample after dragging")
    x2 = pcgraph.view_range(app)
    moved = (x2[0] - x1[0]) / (x1[1] - x1[0]) * w
    check(90 <= moved <= 110, f"a drag of 100 pixels to the left moved the view {moved:.1f} pixels")
    drag_requests = len(pcgraph.sample_requests(app)) - sent

    before = pcgraph.value_lines(app)
    pressed = time.monotonic()
    pcgui.key("minus")
    wait_until(lambda: pcgraph.value_lines(app) > before, 15, "a new sample after −")
    answered = time.monotonic() - pressed
    time.sleep(0.5)
    x3 = pcgraph.view_range(app)
    check(x3[1] - x3[0] > (x2[1] - x2[0]) * 1.1, f"− did not zoom out: {x2} → {x3}")
    before = pcgraph.value_lines(app)
    pcgui.key("Right")
    pcgraph.wait_resample(app, before, "a new sample after →")
    before = pcgraph.value_lines(app)
    pcgui.combo("<Control>0")
    pcgraph.wait_resample(app, before, "a new sample after Ctrl+0")
    x4 = pcgraph.view_range(app)
    check(abs(x4[0] + 10) < 1e-9 and abs(x4[1] - 10) < 1e-9, f"Ctrl+0 did not reset the view: {x4}")
    check(zoom_requests <= 6 and drag_requests <= 6,
          f"{zoom_requests} requests for 3 scroll clicks, {drag_requests} for one drag: not debounced")
    c.note(f"requests: {zoom_requests} for 3 scroll clicks, {drag_requests} for a drag; "
           f"− to its {w} values in the log: {answered * 1000:.0f} ms (a 60 ms pause, the "
           f"round trip, and reading the log over AT-SPI)")

    # The value under the pointer.
    pcgui.rawinput.absoluteMotion(x + w // 2, y + h // 2)
    text = wait_until(lambda: pcgui.text_of(pcgraph.status(app)).startswith("x = ")
                      and pcgui.text_of(pcgraph.status(app)), 5, "the value under the pointer",
                      state=lambda: pcgui.text_of(pcgraph.status(app)))
    check("sin(x) = " in text, f"the status line says {text!r}")


@case
def graph_export(c):
    """Export writes a PNG (GdkPixbuf loads it, the graph's size) and an
    SVG (rsvg-convert renders it, with the curve's colour in it)."""
    app = graph_app(c)
    # The file chooser opens in the home folder (no Pictures folder here).
    png = os.path.join(c.dir, "home", "graph.png")
    svg = os.path.join(c.dir, "home", "graph.svg")
    pcgraph.export(app, png)
    picture = pcgraph.GdkPixbuf.Pixbuf.new_from_file(png)
    w, h = pcgraph.view(app).size
    check((picture.get_width(), picture.get_height()) == (w, h),
          f"the PNG is {picture.get_width()}x{picture.get_height()}, the graph {w}x{h}")
    pcgraph.export(app, svg)
    with open(svg, encoding="utf-8") as f:
        text = f.read()
    check("<svg" in text, "the SVG has no <svg element")
    rendered = os.path.join(c.dir, "svg.png")
    result = subprocess.run(["rsvg-convert", "-o", rendered, svg], capture_output=True, timeout=30)
    check(result.returncode == 0, f"rsvg-convert failed: {result.stderr!r}")
    picture = pcgraph.GdkPixbuf.Pixbuf.new_from_file(rendered)
    check(picture.get_width() == w, f"the SVG renders {picture.get_width()} wide, the graph is {w}")
    check("rgb(20.784314%,51.764706%,89.411765%)" in text or "#3584e4" in text.lower(),
          "the SVG does not draw in the curve's colour")


@case
def graph_russian(c):
    """In Russian: the pane's controls and the drawing's description."""
    app = graph_app(c, "ru")
    t = app.strings
    for name in ("Add to the graph", "Reset the view", "Export the graph"):
        check(app.button(t.translated(name)) is not None, f"no button {t(name)!r}")
    check(app.button(t.translated("Graph")) is not None, "no Graph toggle in Russian")
    description = pcgraph.view(app).description
    prefix = t.translated("Graph of %s; x from %s to %s, y from %s to %s").split("%s")[0]
    check(description.startswith(prefix + "sin(x)"), f"the graph's description is {description!r}")
    status = pcgui.text_of(pcgraph.status(app))
    check(status == t.translated("Drag to move, scroll to zoom; the values under the pointer show here"),
          f"the status line says {status!r}")


@case
def graph_session_variables(c):
    """a = 3, then a*sin(x) peaks at 3; a = 1 re-plots it peaking at 1."""
    c.set_settings(window_width=600, window_height=760)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    check(app.evaluate("a = 3") == "3", "a = 3 did not give 3")
    pcgraph.show_log(app)
    app.focus_entry()
    pcgraph.plot(app, "a*sin(x)", "<Control>g")
    pcgraph.rest_pointer(app)
    time.sleep(0.5)

    def peak():
        shot = pcgraph.Shot(app, os.path.join(c.dir, "peak.png"))
        top = min((r for col in range(60, shot.w - 10, 3) for r in shot.curve_rows(col, pcgraph.BLUE)),
                  default=None)
        check(top is not None, "no curve on the graph")
        return shot.y_at(top), (shot.range[3] - shot.range[2]) / shot.h

    value, per_pixel = peak()
    check(abs(value - 3) <= 3 * per_pixel, f"a*sin(x) with a = 3 peaks at {value:.3f}")
    before = pcgraph.value_lines(app)
    app.focus_entry()
    check(app.evaluate("a = 1") == "1", "a = 1 did not give 1")
    pcgraph.wait_resample(app, before, "the graph sampled again after a = 1")
    pcgraph.rest_pointer(app)
    time.sleep(0.5)
    value, per_pixel = peak()
    check(abs(value - 1) <= 3 * per_pixel, f"a*sin(x) with a = 1 peaks at {value:.3f}")


@case
def graph_error(c):
    """An expression the server refuses: the legend says why, in the
    results list's words, with the position."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    pcgraph.show_log(app)
    app.focus_entry()
    pcgui.type_text("sin(x)+*2")
    wait_until(lambda: app.entry_text() == "sin(x)+*2", 5, "the entry to hold sin(x)+*2")
    pcgui.combo("<Control>g")
    expected = app.strings("Unexpected operator “%1$s” at character %2$d").replace("%1$s", "*").replace("%2$d", "8")
    wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "label"
                                  and pcgui.text_of(n) == expected and pcgui.is_showing(n)),
               15, f"the error {expected!r} in the legend")
    # The log says it in the same words, not in the server's.
    wait_until(lambda: f"← {expected}\n" in app.log_text(), 5, f"the log line ← {expected}",
               state=lambda: app.log_text()[-300:])
    check("error 1000" not in app.log_text(), "the log shows the server's error line")
    # What a graph refuses that the results list takes: an assignment.
    app.focus_entry()
    pcgui.key("Escape")
    wait_until(lambda: app.entry_text() == "", 5, "the entry to be cleared")
    pcgui.type_text("a = x")
    wait_until(lambda: app.entry_text() == "a = x", 5, "the entry to hold a = x")
    pcgui.combo("<Control>Return")
    expected = app.strings("A graph cannot assign or define anything (“=” at character %d)").replace("%d", "3")
    wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "label"
                                  and pcgui.text_of(n) == expected and pcgui.is_showing(n)),
               15, f"the error {expected!r} in the legend")


@case
def graph_extremes(c):
    """What breaks graphs elsewhere: zoomed in and out to the limits,
    curves with no finite value, with values at the edge of doubles, and
    a flood of keys. The window keeps answering and asks the server only
    for what doubles can tell apart."""
    app = graph_app(c, expression="1/0")
    for expression in ("x > 0 ? 1e308 : -1e308", "sqrt(-1-x^2)", "tan(x)*1e300"):
        pcgraph.plot(app, expression)
    node = pcgraph.view(app)
    pcgui.click(node)   # the focus, for the keys
    for _ in range(160):
        pcgui.key("plus")
    time.sleep(1.0)
    x_from, x_to, y_from, y_to = pcgraph.view_range(app)
    check(0 < x_to - x_from < 1e-6, f"160 × + did not zoom in to the limit: x from {x_from} to {x_to}")
    for _ in range(320):
        pcgui.key("minus")
    time.sleep(1.0)
    x_from, x_to, y_from, y_to = pcgraph.view_range(app)
    check(all(math.isfinite(v) for v in (x_from, x_to, y_from, y_to)) and x_to - x_from > 1e10,
          f"320 × − gave the view {x_from, x_to, y_from, y_to}")
    for _ in range(40):
        pcgui.key("Right")
    before = pcgraph.value_lines(app)
    pcgui.combo("<Control>0")
    pcgraph.wait_resample(app, before, "a new sample after Ctrl+0")
    app.focus_entry()
    check(app.evaluate("2+2") == "4", "the window stopped answering after the extremes")
    requests = pcgraph.sample_requests(app)
    check(all(math.isfinite(a) and math.isfinite(b) and a < b for a, b, _ in requests),
          f"a request with a range doubles cannot hold: {[r for r in requests if not r[0] < r[1]]}")
    c.note(f"{len(requests)} sample requests for {160 + 320 + 40 + 1} keys on 4 curves")


# ---- Theme colours and accessibility (issue 16, items 5 and 6) ----------

def relative_luminance(rgb):
    """WCAG 2.x relative luminance of an sRGB colour (0-255 channels)."""
    def linear(channel):
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_and_background(shot):
    """The background (the commonest colour) and the text's colour (the
    commonest of the pixels farthest from it: the glyphs' cores, not
    their anti-aliased edges) of a screenshot of a line of text."""
    counts = {}
    for row in range(shot.h):
        for column in range(shot.w):
            p = shot.pixel(column, row)
            counts[p] = counts.get(p, 0) + 1
    background = max(counts, key=counts.get)

    def distance(p):
        return sum((p[i] - background[i]) ** 2 for i in range(3))

    far = max(distance(p) for p in counts)
    check(far > 0, "the text's area is one flat colour: no text in it")
    core = {p: n for p, n in counts.items() if distance(p) >= 0.5 * far}
    return max(core, key=core.get), background


class NodeShot(pcgraph.Shot):
    """A screenshot of any accessible's area (pcgraph.Shot's pixels)."""

    def __init__(self, node, path):  # noqa: super().__init__ is the graph's
        self.x, self.y = node.position
        self.w, self.h = node.size
        subprocess.run(["import", "-window", "root", "-crop", f"{self.w}x{self.h}+{self.x}+{self.y}",
                        "+repage", "-strip", path], check=True, timeout=30)
        self.pixbuf = pcgraph.GdkPixbuf.Pixbuf.new_from_file(path)
        self.pixels = self.pixbuf.get_pixels()
        self.stride = self.pixbuf.get_rowstride()
        self.channels = self.pixbuf.get_n_channels()


def error_contrast(c, theme):
    """1+*2 in theme: the error message's text against its row's
    background, measured from a screenshot; returns the ratio."""
    app = App(c, extra_env={"GTK_THEME": theme})
    app.wait_window()
    app.focus_entry()
    message = app.evaluate("1+*2")
    row = app.row("1+*2")
    label = wait_until(lambda: pcgui.find(row, lambda n: n.roleName == "label" and pcgui.is_showing(n)
                                          and pcgui.text_of(n) == message),
                       5, f"the label {message!r} in the error row")
    # The pointer off the rows (no hover colour), the drawing settled.
    pcgui.rawinput.absoluteMotion(*pcgui.center(app.header_labels()[0]))
    time.sleep(1.0)
    shot = NodeShot(label, os.path.join(c.dir, "error-label.png"))
    text, background = text_and_background(shot)
    ratio = contrast_ratio(text, background)
    c.note(f"{theme}: error text #{bytes(text).hex()} on #{bytes(background).hex()}, contrast {ratio:.2f}:1")
    check(ratio >= 4.5, f"in {theme} the error text #{bytes(text).hex()} on #{bytes(background).hex()} "
          f"has a contrast of {ratio:.2f}:1; WCAG asks at least 4.5:1")
    return ratio


@case
def error_contrast_dark(c):
    """Adwaita:dark: the error text reads at a contrast of 4.5:1 or more."""
    error_contrast(c, "Adwaita:dark")


@case
def error_contrast_light(c):
    """Adwaita: the error text reads at a contrast of 4.5:1 or more."""
    error_contrast(c, "Adwaita")


# What a keyboard user can land on and a screen reader must name.
CONTROL_ROLES = {"push button", "toggle button", "text", "password text", "spin button", "combo box",
                 "check box", "radio button", "list item", "menu item", "switch", "slider",
                 "toggle", "check menu item", "radio menu item", "entry", "icon", "list box",
                 "table", "tree table", "drawing area"}


def nameless(node, where):
    """The focusable controls under node without an accessible name, and
    icons named by their icon file rather than their purpose."""
    offenders = []
    for n in [node] + list(pcgui.descendants(node)):
        try:
            role = n.roleName
            name = (n.name or "").strip()
            if role == "icon" and name.endswith("-symbolic"):
                offenders.append(f"{where}: {role} named {name!r}")
            elif (role in CONTROL_ROLES and pcgui.is_showing(n)
                  and pcgui.has_state(n, pcgui.pyatspi.STATE_FOCUSABLE) and not name):
                parent = n.parent
                offenders.append(f"{where}: {role} in {parent.roleName} {parent.name!r}"
                                 + (f" (labelled {pcgui.label_of(n)!r})" if pcgui.label_of(n) else ""))
        except pcgui._TRANSIENT:
            continue
    return offenders


def open_menu_dialog(app, label):
    """Main menu → label (with its mnemonic); returns the dialog's node."""
    pcgui.click(app.button(app.strings("Main menu")))
    name = app.strings(label).replace("_", "")
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == name and pcgui.is_showing(n)),
                      5, f"{name} in the main menu")
    pcgui.click(item)
    return wait_until(lambda: next((n for n in app.node.children if n is not None
                                    and n.roleName == "dialog" and pcgui.is_showing(n)), None),
                      10, f"the dialog of {name}")


def close_dialog(app, dialog):
    key("Escape")
    wait_until(lambda: not pcgui.is_showing(dialog), 5, "the dialog to close")


@case
def accessible_names(c):
    """Every focusable control of the window (with the graph pane and the
    log showing), the Connection dialog (its remote fields showing) and
    the Preferences dialog has an accessible name; the token's reveal
    icon is named by its purpose."""
    c.set_settings(window_width=600, window_height=760)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    app.evaluate("2+2")
    app.evaluate("1+*2")
    pcgraph.show_log(app)
    app.focus_entry()
    key("Escape")
    pcgraph.plot(app, "sin(x)", "<Control>g")
    offenders = nameless(app.frame(), "window")

    # Issue 16's parts: the keypad, and each page of the side panel (a
    # variable and the history make their rows and buttons show).
    app.focus_entry()
    app.evaluate("a = 3")
    combo("<Control>k")
    wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                  and n.name == app.strings("equals") and pcgui.is_showing(n)),
               5, "the keypad to show")
    app.focus_entry()
    panel = panel_show(app)
    for page in ("Variables", "Functions", "History"):
        panel_page(app, panel, page)
        time.sleep(0.5)
        offenders += [o for o in nameless(app.frame(), f"window, keypad and panel page {page}")
                      if o.split(": ", 1)[1] not in [p.split(": ", 1)[1] for p in offenders]]
    combo("<Control>k")
    app.focus_entry()
    combo("F9")

    dialog = open_menu_dialog(app, "_Connection…")
    remote = pcgui.dialog_control(dialog, "radio button", app.strings("_Remote server").replace("_", ""))
    pcgui.click(remote)
    host = pcgui.dialog_control(dialog, "text", app.strings("_Host").replace("_", ""))
    wait_until(lambda: pcgui.has_state(host, pcgui.pyatspi.STATE_SENSITIVE), 5, "the remote fields enabled")
    offenders += nameless(dialog, "connection dialog")
    token = pcgui.dialog_control(dialog, "password text", app.strings("Access to_ken").replace("_", ""))
    icons = [n.name for n in token.children if n is not None and n.roleName == "icon"]
    if app.strings("Show the token") not in icons:
        offenders.append(f"the token field's icons are named {icons}, not {app.strings('Show the token')!r}")
    close_dialog(app, dialog)

    dialog = open_menu_dialog(app, "_Preferences")
    offenders += nameless(dialog, "preferences dialog")
    close_dialog(app, dialog)
    check(not offenders, "controls without an accessible name:\n" + "\n".join(offenders))


def focused(node):
    return pcgui.find(node, lambda n: pcgui.has_state(n, pcgui.pyatspi.STATE_FOCUSED))


def within(node, ancestor):
    while node is not None:
        if node == ancestor:
            return True
        node = node.parent
    return False


@case
def row_tab_stops(c):
    """Results: Tab on a row leaves it at once (one Tab stop per row, not
    one per label inside it); Down moves to the next row; an error row
    reads "1+*2, error: …"."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("2+2")
    message = app.evaluate("1+*2")
    expected = app.strings("%s, error: %s") % ("1+*2", message)
    names = app.rows()
    problems = []
    if expected not in names:
        problems.append(f"the error row reads {names[-1]!r}, not {expected!r}")

    first = app.row("2+2")
    first.queryComponent().grabFocus()
    wait_until(lambda: pcgui.has_state(first, pcgui.pyatspi.STATE_FOCUSED), 5, "the first row focused")
    presses = 0
    while presses < 6:
        key("Tab")
        presses += 1
        time.sleep(0.4)
        now = focused(app.frame())
        if now is None or not within(now, first):
            break
    if presses != 1:
        problems.append(f"{presses} Tab presses to leave the row of 2+2; one Tab stop per row")
    elif now is None or now != app.row("1+*2"):
        problems.append(f"Tab from the row of 2+2 went to {now and (now.roleName, now.name)}, "
                        "not the next row")
    check(not problems, "; ".join(problems))

    first.queryComponent().grabFocus()
    wait_until(lambda: pcgui.has_state(first, pcgui.pyatspi.STATE_FOCUSED), 5, "the first row focused")
    key("Down")
    second = app.row("1+*2")
    wait_until(lambda: pcgui.has_state(second, pcgui.pyatspi.STATE_FOCUSED), 5,
               "Down to move to the next row", state=lambda: focused(app.frame()))
    # Copy works as before: Ctrl+C on the focused row copies its value.
    copy_row(app, "2+2")
    wait_until(lambda: clipboard_text() == "4", 5, "4 on the clipboard", state=clipboard_text)


@case
def error_row_russian(c):
    """In Russian an error row reads "1+*2, ошибка: …" and the token's
    reveal icon is named in Russian."""
    app = App(c, language="ru")
    app.wait_window()
    app.focus_entry()
    message = app.evaluate("1+*2")
    expected = app.strings.translated("%s, error: %s") % ("1+*2", message)
    check(expected in app.rows(), f"the error row reads {app.rows()[-1]!r}, not {expected!r}")
    dialog = open_menu_dialog(app, "_Connection…")
    remote = pcgui.dialog_control(dialog, "radio button",
                                  app.strings.translated("_Remote server").replace("_", ""))
    pcgui.click(remote)
    token = pcgui.dialog_control(dialog, "password text",
                                 app.strings.translated("Access to_ken").replace("_", ""))
    icons = [n.name for n in token.children if n is not None and n.roleName == "icon"]
    check(app.strings.translated("Show the token") in icons, f"the token field's icons are named {icons}")
    offenders = nameless(dialog, "connection dialog")
    close_dialog(app, dialog)
    check(not offenders, "controls without an accessible name:\n" + "\n".join(offenders))


# ---- Issue 16: sessions ----

def dividers(app):
    """The names of the results list's session dividers, in order."""
    names = (app.strings("New session"), app.strings("New session — variables restored"))
    return [n for n in app.rows() if n in names]


def banner(app):
    """The connection banner (an alert named Connection), or None."""
    name = app.strings("Connection")
    return pcgui.find(app.frame(), lambda n: n.roleName == "alert" and n.name == name)


@case
def session_restored_after_server_lost(c):
    """a = 3 and f(x) = x*a, then the server is killed and comes back: the
    new session has them again (a*2 is 6, f(2) is 6), the log says what was
    restored, and one divider per new session marks where it began."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(app.evaluate("a = 3") == "3", "a = 3 is not 3")
    check(app.evaluate("f(x) = x*a") == "f(x) = x*a", f"f(x) = x*a gave {app.outcome('f(x) = x*a')!r}")
    time.sleep(0.5)   # the model reads the session once the batch is answered
    check(dividers(app) == [], f"a divider before any new session: {app.rows()}")

    for round_ in (1, 2):
        server.kill()
        app.wait_subtitle(lambda s: "Disconnected" in s, "to say Disconnected", timeout=10)
        server.start()
        reconnect = app.button(app.strings("_Reconnect Now").replace("_", ""))
        if reconnect is not None and pcgui.is_showing(reconnect):
            pcgui.click(reconnect)
        app.wait_subtitle(lambda s: s == server.address, f"to come back to {server.address}",
                          timeout=45)
        app.focus_entry()
        expression = "a*2" if round_ == 1 else "f(2)+0"
        answer = app.evaluate(expression)
        check(answer == "6", f"{expression} in the new session gave {answer!r}")
        restored = app.strings("New session — variables restored")
        wait_until(lambda: dividers(app) == [restored] * round_, 5,
                   f"{round_} divider(s) reading {restored!r}", state=app.rows)
    check(app.evaluate("f(2)") == "6", "f(2) is not 6 in the new session")
    combo("<Control>l")
    wanted = app.strings("Restored %s and %s in the new session") % (
        app.strings.ngettext("%u variable", "%u variables", 1) % 1,
        app.strings.ngettext("%u function", "%u functions", 1) % 1)
    wait_until(lambda: app.log_text().count(wanted) == 2, 5, f"the log to say {wanted!r} twice",
               state=lambda: app.log_text()[-600:])


@case
def session_not_restored_when_off(c):
    """With "Restore variables and functions" off, a*2 after the server came
    back says the variable is unknown, and the divider still shows."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port, restore_session="false")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(app.evaluate("a = 3") == "3", "a = 3 is not 3")
    time.sleep(0.5)
    server.kill()
    app.wait_subtitle(lambda s: "Disconnected" in s, "to say Disconnected", timeout=10)
    server.start()
    app.wait_subtitle(lambda s: s == server.address, f"to come back to {server.address}",
                      timeout=45)
    answer = app.evaluate("a*2")
    check("a" in answer and answer != "6", f"a*2 with restoring off gave {answer!r}")
    wait_until(lambda: dividers(app) == [app.strings("New session")], 5,
               "one divider reading New session", state=app.rows)


@case
def session_restored_after_restart(c):
    """a = 3 in one run of the program; the next run's a*2 is 6, with a
    divider saying the variables were restored; a bad saved file is
    ignored, not a crash."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    check(app.evaluate("a = 3") == "3", "a = 3 is not 3")
    store = os.path.join(c.dir, "data", "pipecalc", "session.ini")
    wait_until(lambda: os.path.exists(store) and "a=3" in open(store, encoding="utf-8").read(),
               5, f"{store} to hold a=3")
    check(app.quit() == 0, "pipecalc did not exit cleanly")

    again = App(c)
    again.wait_window()
    again.focus_entry()
    again.wait_local_connected()
    answer = again.evaluate("a*2")
    check(answer == "6", f"a*2 after a restart gave {answer!r}")
    wait_until(lambda: dividers(again) == [again.strings("New session — variables restored")], 5,
               "a divider saying the variables were restored", state=again.rows)
    check(again.quit() == 0, "pipecalc did not exit cleanly")

    with open(store, "w", encoding="utf-8") as bad:
        bad.write("[variables]\nb=3\n1x=2\nc=not a number\n[functions]\ng=rm -rf /\n")
    third = App(c)
    third.wait_window()
    third.focus_entry()
    third.wait_local_connected()
    check(third.evaluate("b+1") == "4", "b from the saved file was not restored")
    answer = third.evaluate("c")
    check(answer != "…" and "c" in answer, f"c, not a number in the file, gave {answer!r}")


@case
def banner_reconnect_now(c):
    """The server is killed with 1+1 waiting: a banner says "Disconnected —
    1 expression waiting" and the row says it waits for the server; once the
    server is back, Reconnect Now brings the answer within 2 s, not after
    the back-off."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(banner(app) is None or not pcgui.is_showing(banner(app)),
          "the banner shows while connected")
    server.kill()
    app.wait_subtitle(lambda s: "Disconnected" in s, "to say Disconnected", timeout=10)
    app.submit("1+1")
    wanted = app.strings.ngettext("Disconnected — %u expression waiting",
                                  "Disconnected — %u expressions waiting", 1) % 1
    wait_until(lambda: banner(app) is not None and pcgui.is_showing(banner(app))
               and wanted in pcgui.all_strings(banner(app)), 5,
               f"a banner reading {wanted!r}",
               state=lambda: banner(app) and pcgui.all_strings(banner(app)))
    waiting = app.strings("waiting for the server")
    row = app.row("1+1")
    check(app.outcome("1+1") == "…" and row.description == waiting
          and (waiting, True) in app.row_labels("1+1"),
          f"the 1+1 row does not say it waits: {app.row_labels('1+1')}, "
          f"described as {row.description!r}")
    # Let the back-off grow past a few seconds, then bring the server back.
    time.sleep(8)
    server.start()
    reconnect = app.button(app.strings("_Reconnect Now").replace("_", ""))
    check(reconnect is not None and pcgui.is_showing(reconnect), "no Reconnect Now button")
    pressed = time.monotonic()
    pcgui.click(reconnect)
    answer = app.wait_outcome("1+1", timeout=10)
    took = time.monotonic() - pressed
    check(answer == "2", f"1+1 gave {answer!r}")
    check(took <= 2.0 * pcgui.SCALE, f"the answer came {took:.1f} s after Reconnect Now")
    wait_until(lambda: banner(app) is None or not pcgui.is_showing(banner(app)), 5,
               "the banner to hide once connected")
    c.note(f"answer {took:.2f} s after Reconnect Now")


@case
def private_server_killed_log(c):
    """SIGKILL of the private server: the log says it was killed by signal
    9, then that a new one started with its pid, in that order, and never
    that it "exited at once"."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    servers = pcgui.proc_children(app.pid, pcgui.PIPECALCD)
    check(len(servers) == 1, f"not one private server: {servers}")
    old = servers[0]
    combo("<Control>l")
    os.kill(old, signal.SIGKILL)
    new = wait_until(lambda: [p for p in pcgui.proc_children(app.pid, pcgui.PIPECALCD) if p != old],
                     20, "a new private server")[0]
    app.note_servers()
    app.wait_local_connected(timeout=20)
    check(app.evaluate("2+3") == "5", "2+3 with the new private server")
    text = app.log_text()
    stopped = app.strings("The private server %s") % (
        app.strings("was killed by signal %d (%s)").split(" (")[0] % 9)
    started = app.strings("Started a private server (pid %s) at %s").split(" at ")[0] % new
    at_once = app.strings("The private server exited at once:\n%s").split(":")[0]
    check(stopped in text, f"the log does not say {stopped!r}: {text[-800:]!r}")
    check(started in text, f"the log does not say {started!r}: {text[-800:]!r}")
    check(text.rfind(stopped) < text.rfind(started), "the log says the new server started before "
          "the old one stopped")
    check(at_once not in text, f"the log says {at_once!r}")


@case
def subtitle_fits_at_minimum_width(c):
    """At the window's minimum width, in English and in Russian, the
    header's connection state is as wide as its text needs (measured in a
    wide window), never cut to "Local serve…"."""
    def text_width(app):
        label = app.header_labels()[1]
        text = label.queryText()
        first = text.getCharacterExtents(0, pcgui.pyatspi.DESKTOP_COORDS)
        last = text.getCharacterExtents(text.characterCount - 1, pcgui.pyatspi.DESKTOP_COORDS)
        return last[0] + last[2] - first[0]

    problems = []
    for language in (None, "ru"):
        widths = {}
        for size in (900, 1):
            c.set_settings(window_width=size, window_height=400)
            app = App(c, language=language)
            app.wait_window()
            app.focus_entry()
            app.wait_local_connected()
            time.sleep(0.5)
            label = app.header_labels()[1]
            frame_x, _ = app.frame().position
            frame_w, _ = app.frame().size
            x, _ = label.position
            w, _ = label.size
            widths[size] = (w, frame_w)
            if size == 900:
                needed = text_width(app)
            elif w < needed or x < frame_x or x + w > frame_x + frame_w:
                problems.append(f"{language or 'en'}: the subtitle {app.subtitle()!r} gets {w} px "
                                f"at x {x} in a window {frame_w} px wide at x {frame_x}; "
                                f"its text needs {needed} px")
            check(app.quit() == 0, "pipecalc did not exit cleanly")
        c.note(f"{language or 'en'}: subtitle text {needed} px; label {widths[1][0]} px "
               f"in the minimum window of {widths[1][1]} px")
    check(not problems, "; ".join(problems))


# ---- Running -----------------------------------------------------------

# ---- Issue 16: panel ----
# The side panel (Variables, Functions, History), completion, Clear
# History's Undo, the keypad.

def panel_show(app):
    """F9 with the entry focused; returns the panel once it shows."""
    name = app.strings("Side panel")
    combo("F9")
    return wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "panel" and n.name == name
                                         and pcgui.is_showing(n)),
                      5, "the side panel to show")


def panel_page(app, panel, title):
    """Clicks the stack switcher's button of a page."""
    name = app.strings(title)
    tab = wait_until(lambda: pcgui.find(panel, lambda n: n.roleName in ("radio button", "toggle button")
                                        and n.name == name and pcgui.is_showing(n)),
                     5, f"the {name!r} page's button")
    pcgui.click(tab)
    return tab


def panel_rows(app, panel, list_name):
    """The names of the showing rows of the panel's list list_name."""
    name = app.strings(list_name)
    listbox = pcgui.find(panel, lambda n: n.roleName == "list box" and n.name == name)
    if listbox is None:
        return []
    return [n.name for n in listbox.children if n is not None and n.roleName == "list item"
            and pcgui.is_showing(n)]


def panel_row(app, panel, list_name, row_name):
    name = app.strings(list_name)
    listbox = pcgui.find(panel, lambda n: n.roleName == "list box" and n.name == name)
    return pcgui.find(listbox, lambda n: n.roleName == "list item" and n.name == row_name
                      and pcgui.is_showing(n))


def caret(app):
    return app.entry().queryText().caretOffset


@case
def panel_remembered(c):
    """F9 shows the side panel; after a restart it is still there; F9
    again hides it, and that too is remembered. Hidden by default."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    name = app.strings("Side panel")
    check(pcgui.find(app.frame(), lambda n: n.roleName == "panel" and n.name == name
                     and pcgui.is_showing(n)) is None, "the side panel shows by default")
    panel_show(app)
    check(app.quit() == 0, "pipecalc did not quit cleanly")
    again = App(c)
    again.wait_window()
    wait_until(lambda: pcgui.find(again.frame(), lambda n: n.roleName == "panel" and n.name == name
                                  and pcgui.is_showing(n)), 10, "the side panel after a restart")
    again.focus_entry()
    combo("F9")
    wait_until(lambda: pcgui.find(again.frame(), lambda n: n.roleName == "panel" and n.name == name
                                  and pcgui.is_showing(n)) is None, 5, "F9 to hide the side panel")
    check(c.gsettings("get", pcgui.SCHEMA, "show-panel") == "false", "show-panel is not false after F9")


def functions_search_field(app, panel):
    """The Functions page's search field (the page showing)."""
    name = app.strings("Search functions")
    return wait_until(lambda: pcgui.find(panel, lambda n: n.roleName == "text" and n.name == name
                                         and pcgui.is_showing(n)), 5,
                      "the search field on the Functions page")


def functions_search(c, language, query, description):
    app = App(c, language=language)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    type_text("2*")
    panel = panel_show(app)
    panel_page(app, panel, "Functions")
    search = functions_search_field(app, panel)
    search.queryEditableText().setTextContents(query)
    want = f"sqrt(): {description}"
    row = wait_until(lambda: panel_row(app, panel, "Functions", want), 10,
                     f"the row {want!r} after searching {query!r}",
                     state=lambda: panel_rows(app, panel, "Functions"))
    shown = panel_rows(app, panel, "Functions")
    check(len(shown) <= 3, f"searching {query!r} leaves {len(shown)} rows: {shown}")
    pcgui.click(row)
    wait_until(lambda: app.entry_text() == "2*sqrt()", 5, "sqrt() typed after 2*", state=app.entry_text)
    wait_until(lambda: pcgui.has_state(app.entry(), pcgui.pyatspi.STATE_FOCUSED), 5,
               "the focus back in the entry")
    check(caret(app) == len("2*sqrt("), f"the cursor is at {caret(app)}, not inside sqrt()")
    type_text("16")
    key("Return")
    answer = app.wait_outcome("2*sqrt(16)")
    check(answer == "8", f"2*sqrt(16) gave {answer!r}")


@case
def panel_functions_ru(c):
    """In Russian, the Functions page finds sqrt by "квадратный" (its
    description, translated) and a click types sqrt() at the cursor with
    the cursor between the parentheses."""
    functions_search(c, "ru", "квадратный", "квадратный корень")


@case
def panel_functions_en(c):
    """In English, the Functions page finds sqrt by "square"."""
    functions_search(c, None, "square", "square root")


@case
def panel_functions_user(c):
    """A function the session defines shows on the Functions page (its
    definition as the description), also one defined while the page is
    open: the page follows the session model's catalogue."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    check(app.evaluate("half(x) = x/2") == "half(x) = x/2", "half(x) = x/2 was not defined")
    panel = panel_show(app)
    panel_page(app, panel, "Functions")
    search = functions_search_field(app, panel)
    for function, definition in (("half", None), ("twice", "twice(x) = 2*x")):
        if definition is not None:
            app.focus_entry()
            check(app.evaluate(definition) == definition, f"{definition} was not defined")
        search.queryEditableText().setTextContents(function)
        want = f"{function}(): {definition or 'half(x) = x/2'}"
        wait_until(lambda: panel_row(app, panel, "Functions", want), 10,
                   f"the row {want!r} on the Functions page",
                   state=lambda: panel_rows(app, panel, "Functions"))


@case
def panel_history(c):
    """The History page shows 2+2 with its result 4, also after a
    restart; a click puts 2+2 back in the entry, with the focus."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    check(app.evaluate("2+2") == "4", "2+2 is not 4")
    check(app.quit() == 0, "pipecalc did not quit cleanly")
    with open(c.history_path, encoding="utf-8") as history:
        saved = history.read()
    check("2+2\t4\n" in saved, f"the history file holds {saved!r}, not 2+2 with 4")
    app = App(c)
    app.wait_window()
    app.focus_entry()
    panel = panel_show(app)
    panel_page(app, panel, "History")
    row = wait_until(lambda: panel_row(app, panel, "History", "2+2: = 4"), 5, "the row 2+2 = 4",
                     state=lambda: panel_rows(app, panel, "History"))
    pcgui.click(row)
    wait_until(lambda: app.entry_text() == "2+2", 5, "2+2 in the entry", state=app.entry_text)
    wait_until(lambda: pcgui.has_state(app.entry(), pcgui.pyatspi.STATE_FOCUSED), 5,
               "the focus in the entry")


@case
def panel_variables(c):
    """a = 3 puts a row "a = 3" on the Variables page (empty before, with
    a hint); its delete button removes it, from the server too: a is then
    unknown."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    panel = panel_show(app)
    hint = app.strings("No variables yet — try a = 3")
    wait_until(lambda: pcgui.find(panel, lambda n: n.name == hint and pcgui.is_showing(n)), 5,
               "the empty Variables page's hint")
    app.focus_entry()
    check(app.evaluate("a = 3") == "3", "a = 3 is not 3")
    row = wait_until(lambda: panel_row(app, panel, "Variables", "a = 3"), 10, "the row a = 3",
                     state=lambda: panel_rows(app, panel, "Variables"))
    delete = pcgui.find(row, lambda n: n.roleName == "push button"
                        and n.name == app.strings("Delete variable %s") % "a")
    check(delete is not None, "no button named 'Delete variable a' in the row")
    pcgui.click(delete)
    wait_until(lambda: not panel_rows(app, panel, "Variables"), 10, "the row a = 3 to go",
               state=lambda: panel_rows(app, panel, "Variables"))
    app.focus_entry()
    message = app.evaluate("a*2")
    check("a" in message and "nknown" in message, f"a*2 says {message!r} after the delete")


def open_clear_history(app):
    pcgui.click(app.button(app.strings("Main menu")))
    name = app.strings("C_lear History").replace("_", "")
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == name and pcgui.is_showing(n)),
                      5, "Clear History in the main menu")
    pcgui.click(item)


def combo_items(app):
    menu = pcgui.find(app.combo_box(), lambda n: n.roleName == "menu")
    return [n.name for n in menu.children if n is not None]


def undo_button(app):
    name = app.strings("_Undo").replace("_", "")
    return pcgui.find(app.frame(), lambda n: n.roleName == "push button" and n.name == name
                      and pcgui.is_showing(n))


@case
def clear_history_undo(c):
    """Clear History asks nothing, empties the combo box and the file, and
    shows a notification whose Undo brings both back."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("5+5")
    app.evaluate("6*7")
    open_clear_history(app)
    wait_until(lambda: not combo_items(app), 5, "the combo box to empty", state=lambda: combo_items(app))
    check(not [n for n in app.node.children if n is not None and n.roleName in ("dialog", "alert")
               and pcgui.is_showing(n)], "Clear History opened a dialog")
    check(not os.path.exists(c.history_path) or "5+5" not in open(c.history_path).read(),
          "5+5 is still in the history file after Clear History")
    undo = wait_until(lambda: undo_button(app), 5, "the Undo notification")
    pcgui.click(undo)
    # Oldest first, as the combo box lists them (item 2).
    wait_until(lambda: combo_items(app) == ["5+5", "6*7"], 5, "Undo to bring the combo box back",
               state=lambda: combo_items(app))
    with open(c.history_path, encoding="utf-8") as history:
        saved = history.read()
    check(saved == "6*7\t42\n5+5\t10\n", f"the history file holds {saved!r} after Undo")
    wait_until(lambda: undo_button(app) is None, 5, "the notification to go after Undo")


@case
def clear_history_no_undo(c):
    """Clear History without Undo: once the notification is gone (about
    5 s), the file is empty, and so is the history after a restart."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("5+5")
    open_clear_history(app)
    wait_until(lambda: undo_button(app), 5, "the Undo notification")
    started = time.monotonic()
    wait_until(lambda: undo_button(app) is None, 15, "the notification to go by itself")
    shown = time.monotonic() - started
    check(3 <= shown <= 10 * pcgui.SCALE, f"the notification stayed {shown:.1f} s")
    check(not os.path.exists(c.history_path) or open(c.history_path).read() == "",
          "the history file is not empty after the notification")
    check(app.quit() == 0, "pipecalc did not quit cleanly")
    again = App(c)
    again.wait_window()
    again.focus_entry()
    check(combo_items(again) == [], f"the combo box holds {combo_items(again)} after a restart")


@case
def keypad_seven_times_six(c):
    """Ctrl+K shows the keypad; clicking 7 × 6 = gives 42, and the entry
    keeps the keyboard focus all along; the keypad is remembered."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    combo("<Control>k")
    pad = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.name == app.strings("Keypad")
                                        and n.roleName != "toggle button" and pcgui.is_showing(n)),
                     5, "the keypad to show")
    buttons = {n.name: n for n in pcgui.find_all(pad, lambda n: n.roleName == "push button")}
    for name in ("seven", "times", "six"):
        pcgui.click(buttons[app.strings(name)])
        check(pcgui.has_state(app.entry(), pcgui.pyatspi.STATE_FOCUSED),
              f"the entry lost the focus to the keypad's {name!r}")
    wait_until(lambda: app.entry_text() == "7*6", 5, "7*6 typed by the keypad", state=app.entry_text)
    small = [(name, node.size) for name, node in buttons.items() if min(node.size) < 44]
    check(not small, f"keypad buttons smaller than 44 px: {small}")
    pcgui.click(buttons[app.strings("equals")])
    check(app.wait_outcome("7*6") == "42", "7*6 is not 42")
    check(pcgui.has_state(app.entry(), pcgui.pyatspi.STATE_FOCUSED), "the entry lost the focus")
    check(c.gsettings("get", pcgui.SCHEMA, "show-keypad") == "true", "show-keypad is not remembered")


# ---- Issue 16: rows ----

ROW_MENU = ("Copy _Value", "Copy E_xpression", "Copy Error _Message", "_Edit", "_Delete")


def open_row_menu(app, expression, how):
    """Opens the menu of the row of expression: "click" is a right click
    on it, else the key (combo) how on the focused row. Returns the
    showing items by their msgid."""
    t = app.strings
    names = {t.translated(m).replace("_", ""): m for m in ROW_MENU}
    row = app.row(expression)
    check(row is not None, f"no row of {expression}: {app.rows()}")
    if how == "click":
        x, y = pcgui.center(row)
        pcgui.rawinput.click(x, y, button=3)
    else:
        row.queryComponent().grabFocus()
        wait_until(lambda: pcgui.has_state(row, pcgui.pyatspi.STATE_FOCUSED), 5,
                   f"keyboard focus on the row of {expression}")
        combo(how) if how.startswith("<") else key(how)
    wait_until(lambda: pcgui.menu_items(app, names), 5,
               f"the menu of the row of {expression} ({how})")
    time.sleep(0.3)  # every item, not the first one drawn
    return {names[n]: node for n, node in pcgui.menu_items(app, names).items()}


def choose(app, items, msgid):
    """Clicks an item of the row menu as a hand does: the pointer moves
    onto it first (a click warped straight from the row into a popover
    that just opened arrives before GTK saw the pointer enter the item,
    and is lost)."""
    item = items[msgid]
    pcgui.rawinput.absoluteMotion(*pcgui.center(item))
    time.sleep(0.3)
    pcgui.click(item)
    wait_until(lambda: not pcgui.is_showing(item), 5, f"the row menu to close after {msgid}")


def set_clipboard_from(app, expression, want):
    copy_row(app, expression)
    wait_until(lambda: clipboard_text() == want, 5, f"{want!r} on the clipboard",
               state=clipboard_text)


@case
def row_double_click_whole_value(c):
    """A double-click anywhere on 1.84467440737096e+19 (2^64) selects the
    whole value, and Ctrl+C copies all of it, never 1.84467440737096e."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("2^64")
    app.evaluate("1+1")
    value = "1.84467440737096e+19"
    label = pcgui.row_label(app, "2^64", value)
    problems = []
    for offset in (5, 16, 19):  # a digit, the "e", the exponent
        set_clipboard_from(app, "1+1", "2")  # something else on the clipboard first
        x, y = pcgui.char_center(label, offset)
        pcgui.rawinput.doubleClick(x, y)
        wait_until(lambda: pcgui.selection_of(label), 5,
                   f"a selection after a double-click on character {offset} of {value}")
        time.sleep(0.3)
        selected = pcgui.selection_of(label)
        combo("<Control>c")
        copied = wait_until(lambda: clipboard_text() != "2" and clipboard_text(), 5,
                            "Ctrl+C to copy the selection", state=clipboard_text)
        if selected != value or copied != value:
            problems.append(f"a double-click on {value[offset]!r} (character {offset}) selected "
                            f"{selected!r} and Ctrl+C copied {copied!r}")
    check(not problems, "; ".join(problems))


@case
def row_copy_after_label_click(c):
    """Ctrl+C after a click on the text of a row (its value or its
    expression) copies the row's value."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("1+1")
    app.evaluate("6*7")
    set_clipboard_from(app, "1+1", "2")
    pcgui.rawinput.click(*pcgui.char_center(pcgui.row_label(app, "6*7", "42"), 0))
    time.sleep(0.3)
    combo("<Control>c")
    wait_until(lambda: clipboard_text() == "42", 5,
               "42 on the clipboard after a click on the value 42 and Ctrl+C", state=clipboard_text)
    pcgui.rawinput.click(*pcgui.char_center(pcgui.row_label(app, "1+1", "1+1"), 1))
    time.sleep(0.3)
    combo("<Control>c")
    wait_until(lambda: clipboard_text() == "2", 5,
               "2 on the clipboard after a click on the expression 1+1 and Ctrl+C",
               state=clipboard_text)


@case
def row_menu_actions(c):
    """The row menu, by right click, Menu and Shift+F10: Copy Value, Copy
    Expression, Edit (the entry, cursor at the end), Delete; an error row
    offers Copy Expression and Copy Error Message, and its tooltip promises
    no value."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("2+3")
    message = app.evaluate("1+*2")
    key("Escape")  # the failed expression is given back to the entry

    items = open_row_menu(app, "2+3", "click")
    check(sorted(items) == sorted(["Copy _Value", "Copy E_xpression", "_Edit", "_Delete"]),
          f"the menu of a row with a value has {sorted(items)}")
    choose(app, items, "Copy _Value")
    wait_until(lambda: clipboard_text() == "5", 5, "Copy Value to copy 5", state=clipboard_text)

    items = open_row_menu(app, "2+3", "Menu")
    choose(app, items, "Copy E_xpression")
    wait_until(lambda: clipboard_text() == "2+3", 5, "Copy Expression to copy 2+3",
               state=clipboard_text)

    items = open_row_menu(app, "1+*2", "click")
    check(sorted(items) == sorted(["Copy E_xpression", "Copy Error _Message", "_Edit", "_Delete"]),
          f"the menu of an error row has {sorted(items)}")
    choose(app, items, "Copy Error _Message")
    wait_until(lambda: clipboard_text() == message, 5, "Copy Error Message to copy the message",
               state=clipboard_text)
    tooltip = app.row("1+*2").description
    check("Ctrl+C" not in tooltip and "value" not in tooltip,
          f"the error row's tooltip says {tooltip!r}")

    items = open_row_menu(app, "2+3", "<Shift>F10")
    choose(app, items, "_Edit")
    entry = app.entry()
    wait_until(lambda: app.entry_text() == "2+3" and pcgui.has_state(entry, pcgui.pyatspi.STATE_FOCUSED),
               5, "Edit to put 2+3 in the focused entry",
               state=lambda: (app.entry_text(), pcgui.has_state(entry, pcgui.pyatspi.STATE_FOCUSED)))
    caret = entry.queryText().caretOffset
    check(caret == 3, f"the cursor is at {caret} after Edit, not at the end (3)")
    key("Return")
    wait_until(lambda: len([r for r in app.rows() if r.startswith("2+3 =")]) == 2, 5,
               "Enter after Edit to evaluate 2+3 again", state=app.rows)

    items = open_row_menu(app, "1+*2", "click")
    choose(app, items, "_Delete")
    wait_until(lambda: app.row("1+*2") is None, 5, "Delete to remove the row of 1+*2", state=app.rows)
    check(len(app.rows()) == 2, f"Delete removed more than its row: {app.rows()}")


@case
def row_menu_pending_russian(c):
    """In Russian: the menu of a row waiting for a lost server offers Copy
    Expression, Edit and Delete; Delete removes the row and the
    expression is never sent, even after the server is back."""
    server = pcgui.TestServer(c).start()
    remote_settings(c, server.port)
    app = App(c, language="ru")
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    check(app.evaluate("2*2") == "4", "2*2 is not 4")
    server.kill()
    app.wait_subtitle(lambda s: s != server.address, "to say the server is gone", timeout=10)
    app.submit("7+8")
    check(app.outcome("7+8") == "…", f"the 7+8 row is not pending: {app.rows()}")
    items = open_row_menu(app, "7+8", "click")
    check(sorted(items) == sorted(["Copy E_xpression", "_Edit", "_Delete"]),
          f"the menu of a waiting row has {sorted(items)}")
    choose(app, items, "_Delete")
    wait_until(lambda: app.row("7+8") is None, 5, "Delete to remove the waiting row", state=app.rows)
    cancel = app.button(app.strings.translated("Cancel"))
    wait_until(lambda: cancel is None or not pcgui.is_showing(cancel), 5,
               "the window to stop waiting once the row is deleted")
    server.start()
    app.wait_subtitle(lambda s: s == server.address, f"to come back to {server.address}", timeout=45)
    app.focus_entry()
    check(app.evaluate("3*3") == "9", "3*3 is not 9 after reconnecting")
    with open(os.path.join(c.dir, f"pipecalcd-{server.port}-2.log"), encoding="utf-8",
              errors="replace") as log:
        served = log.read()
    check("3*3" in served, f"the new server's log does not show its requests: {served[-400:]!r}")
    check("7+8" not in served, "the deleted 7+8 was sent to the server after reconnecting")


def history_menu(app):
    return pcgui.find(app.combo_box(), lambda n: n.roleName == "menu")


def selected_items(menu):
    return [n.name for n in menu.children if n is not None and n.roleName == "menu item"
            and pcgui.has_state(n, pcgui.pyatspi.STATE_SELECTED)]


def entry_picked(app, expression):
    """After a pick from the drop-down: expression in the focused entry,
    the cursor at its end."""
    entry = app.entry()
    wait_until(lambda: app.entry_text() == expression
               and pcgui.has_state(entry, pcgui.pyatspi.STATE_FOCUSED), 5,
               f"{expression} in the focused entry after picking it",
               state=lambda: (app.entry_text(), pcgui.has_state(entry, pcgui.pyatspi.STATE_FOCUSED),
                              focused(app.frame()) and focused(app.frame()).roleName))
    caret = entry.queryText().caretOffset
    check(caret == len(expression), f"the cursor is at {caret} after the pick, not at the end")


@case
def history_dropdown_keyboard(c):
    """The history drop-down from the keyboard: Alt+Down opens it on the
    newest expression, Up goes to an older one as Up in the entry does,
    Enter picks it into the entry (focused, cursor at the end), and Enter
    again evaluates it."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    for expression in ("1+2", "3*4", "5-1"):
        app.evaluate(expression)
    # In the entry, Up goes to older expressions.
    key("Up")
    wait_until(lambda: app.entry_text() == "5-1", 5, "Up in the entry to give 5-1", state=app.entry_text)
    key("Up")
    wait_until(lambda: app.entry_text() == "3*4", 5, "Up again to give 3*4", state=app.entry_text)
    key("Escape")
    wait_until(lambda: app.entry_text() == "", 5, "Escape to empty the entry", state=app.entry_text)

    menu = history_menu(app)
    combo("<Alt>Down")
    wait_until(lambda: selected_items(menu) == ["5-1"], 5,
               "the drop-down to open on the newest expression, 5-1",
               state=lambda: (selected_items(menu), [n.name for n in menu.children if pcgui.is_showing(n)]))
    key("Up")
    wait_until(lambda: selected_items(menu) == ["3*4"], 5,
               "Up in the drop-down to go to the older 3*4, as Up in the entry does",
               state=lambda: selected_items(menu))
    key("Return")
    entry_picked(app, "3*4")
    key("Return")
    wait_until(lambda: len([r for r in app.rows() if r.startswith("3*4 =")]) == 2, 5,
               "Enter to evaluate the picked 3*4", state=app.rows)


@case
def history_dropdown_mouse(c):
    """The history drop-down by mouse: a click on an expression puts it in
    the entry with the keyboard there, and Enter evaluates it."""
    app = App(c)
    app.wait_window()
    app.focus_entry()
    for expression in ("1+2", "3*4"):
        app.evaluate(expression)
    menu = history_menu(app)
    x, y = app.combo_box().position
    w, h = app.combo_box().size
    ex, _ = app.entry().position
    ew, _ = app.entry().size
    pcgui.rawinput.click((ex + ew + x + w) // 2, y + h // 2)
    item = wait_until(lambda: next((n for n in menu.children if n is not None and n.name == "1+2"
                                    and pcgui.is_showing(n)), None), 5, "1+2 in the open drop-down")
    pcgui.rawinput.absoluteMotion(*pcgui.center(item))
    time.sleep(0.3)
    pcgui.click(item)
    entry_picked(app, "1+2")
    key("Return")
    wait_until(lambda: len([r for r in app.rows() if r.startswith("1+2 =")]) == 2, 5,
               "Enter to evaluate the picked 1+2", state=app.rows)


# What the window itself writes to the log, in English: none of these
# words may show in a Russian log line that is not the server's own.
ENGLISH_LOG_WORDS = ("error", "connecting", "connected", "disconnected", "retrying", "second",
                     "seconds", "server", "sample", "not", "exited", "refused", "closed", "lost",
                     "position", "unexpected", "found", "cancelled", "request", "answer", "value",
                     "values", "evaluated", "after", "reconnecting", "connection")


@case
def log_russian(c):
    """In Russian the log panel's own lines are Russian: connecting, an
    error reply (its position counted from 1, as the row says), the
    private server killed, reconnecting; the server's own lines are marked
    as the server's."""
    import re
    import signal as signals
    c.set_settings(show_log="true")
    app = App(c, language="ru")
    t = app.strings
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    message = app.evaluate("1+*2")
    check("3" in message, f"the row counts the position from 0: {message!r}")
    key("Escape")
    servers = app.note_servers()
    check(servers, "the window runs no private server")
    for pid in servers:
        os.kill(pid, signals.SIGKILL)
    app.wait_subtitle(lambda s: s != t("Local server · %s") % "unix", "to say the server is gone",
                      timeout=10)
    app.wait_local_connected(timeout=30)
    app.focus_entry()
    check(app.evaluate("2+2") == "4", "2+2 is not 4 after the private server came back")

    server_mark = t.translated("[server] ")
    log = app.log_text()
    lines = [line for line in log.splitlines() if line.strip()]
    own = [line for line in lines if line[9:].startswith(server_mark) is False]
    marked = [line for line in lines if line[9:].startswith(server_mark)]
    english = [line for line in own
               if any(re.search(rf"\b{word}\b", line, re.I) for word in ENGLISH_LOG_WORDS)]
    problems = []
    if english:
        problems.append("English in the window's own log lines:\n" + "\n".join(english))
    if not any(line[9:] == "← " + message for line in lines):
        problems.append(f"no log line says the row's error {message!r}:\n" + log[-1500:])
    if not marked:
        problems.append(f"no line marked {server_mark!r} as the server's own")
    # The menu item that opens the Connection dialog and the dialog's
    # button say the same word.
    menu = t.translated("_Connection…").replace("_", "")
    button = t.translated("Co_nnect").replace("_", "")
    if menu[:7] != button[:7]:
        problems.append(f"the menu says {menu!r} and the dialog's button {button!r}")
    if t.translated("Connected to %s").split("%s")[0] not in log:
        problems.append("the log never says it connected, in Russian")
    check(not problems, "\n".join(problems) + "\nthe log:\n" + log[-2500:])


def extents(node):
    x, y = node.position
    w, h = node.size
    return x, y, w, h


@case
def layout_dialog_width(c):
    """The Connection dialog keeps its width while Test runs and once its
    result shows ("Connected; waiting for the server to describe itself…"
    from a server that never answers); the result wraps inside the dialog,
    never cut."""
    server = pcgui.SilentServer(c)
    remote_settings(c, server.port)
    app = App(c)
    app.wait_window()
    dialog = open_menu_dialog(app, "_Connection…")
    test = pcgui.dialog_control(dialog, "push button", app.strings("T_est").replace("_", ""))
    time.sleep(0.5)
    before = extents(dialog)
    labels_before = {pcgui.text_of(n) for n in pcgui.find_all(dialog, lambda n: n.roleName == "label")}
    pcgui.click(test)
    widths = []
    deadline = time.monotonic() + 10 * pcgui.SCALE
    status = None
    while time.monotonic() < deadline and status is None:
        widths.append(dialog.size[0])
        status = next((n for n in pcgui.find_all(dialog, lambda n: n.roleName == "label")
                       if pcgui.text_of(n) and pcgui.text_of(n) not in labels_before
                       and pcgui.is_showing(n)), None)
        time.sleep(0.05)
    check(status is not None, "no test result showed in the dialog; its labels: "
          + repr([pcgui.text_of(n) for n in pcgui.find_all(dialog, lambda n: n.roleName == "label")]))
    time.sleep(0.5)
    after = extents(dialog)
    widths.append(after[2])
    problems = []
    if set(widths) != {before[2]}:
        problems.append(f"the dialog was {before[2]} px wide before Test, then {sorted(set(widths))}")
    text = status.queryText()
    x, y, w, h = text.getCharacterExtents(text.characterCount - 1, pcgui.pyatspi.DESKTOP_COORDS)
    lx, ly, lw, lh = extents(status)
    if not (lx <= x and x + w <= lx + lw + 1 and ly <= y and y + h <= ly + lh + 1
            and after[0] <= x and x + w <= after[0] + after[2]):
        problems.append(f"the status's last character is at {(x, y, w, h)}, outside its label "
                        f"{(lx, ly, lw, lh)} or the dialog {after}")
    close_dialog(app, dialog)
    check(not problems, "; ".join(problems))


@case
def layout_entry_width_busy(c):
    """The entry keeps its width while the spinner and Cancel show."""
    server = pcgui.SilentServer(c)
    remote_settings(c, server.port, request_timeout=4)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    before = extents(app.entry())
    app.submit("2+2")
    time.sleep(0.5)
    during = extents(app.entry())
    check(app.outcome("2+2") == "…", f"2+2 stopped waiting before the entry was measured: {app.rows()}")
    check(during[2] == before[2], f"the entry was {before[2]} px wide, {during[2]} px while waiting")


LONG_SUM = "+".join(["123456789012345", "234567890123456", "345678901234567", "456789012345678",
                     "567890123456789", "678901234567890", "789012345678901"])


@case
def layout_long_numbers(c):
    """In a narrow window a long sum of long numbers wraps at its
    operators, never inside a number, and its value stays on one line."""
    c.set_settings(window_width=360, window_height=520)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    value = app.evaluate(LONG_SUM)
    label = pcgui.row_label(app, LONG_SUM, LONG_SUM)
    text = label.queryText()

    def line_of(offset):
        return text.getCharacterExtents(offset, pcgui.pyatspi.DESKTOP_COORDS)[1]

    tops = set()
    split = []
    start = 0
    for number in LONG_SUM.split("+"):
        first, last = line_of(start), line_of(start + len(number) - 1)
        tops.update((first, last))
        if first != last:
            split.append(number)
        start += len(number) + 1
    check(len(tops) > 1, f"the expression did not wrap at 360 px: {len(LONG_SUM)} characters on one line")
    check(not split, f"numbers broken across lines: {split}")
    shown = pcgui.row_label(app, LONG_SUM, value.split(" (")[0])
    vt = shown.queryText()
    vtops = {vt.getCharacterExtents(i, pcgui.pyatspi.DESKTOP_COORDS)[1] for i in range(vt.characterCount)}
    check(len(vtops) == 1, f"the value {pcgui.text_of(shown)!r} is broken over {len(vtops)} lines")


@case
def layout_wide_window_centred(c):
    """In a wide (maximised) window the content keeps a comfortable width
    (800 px at most), centred."""
    c.set_settings(window_width=1240, window_height=700)
    app = App(c)
    app.wait_window()
    app.focus_entry()
    app.evaluate("2+2")
    fx, fy, fw, fh = extents(app.frame())
    check(fw >= 1200, f"the window is {fw} px wide, not the 1240 asked for")
    rx, ry, rw, rh = extents(app.results())
    left, right = rx - fx, fx + fw - (rx + rw)
    check(rw <= 820, f"the results list is {rw} px wide in a {fw} px window")
    check(abs(left - right) <= 4, f"the results are not centred: {left} px left, {right} px right")
    ex, ey, ew, eh = extents(app.combo_box())
    check(ex - fx >= left, f"the entry starts at {ex - fx} px, left of the centred content ({left} px)")


class CaseTimeout(BaseException):
    pass


def alarm(signum, frame):
    raise CaseTimeout()


def main(argv):
    chosen = [f for i, f in enumerate(CASES, 1)
              if not argv or f.__name__ in argv or str(i) in argv]
    limit = int(float(os.environ.get("PIPECALC_GUI_CASE_TIMEOUT", "120")) * pcgui.SCALE)
    signal.signal(signal.SIGALRM, alarm)
    print(f"1..{len(chosen)}", file=TAP)
    failed = 0
    suite_start = time.monotonic()
    for number, function in enumerate(chosen, 1):
        name = function.__name__.replace("_", "-")
        c = Case(number, name)
        start = time.monotonic()
        problems = []
        signal.alarm(limit)
        try:
            pcgui.check_runner()
            function(c)
        except pcgui.RunnerGone:
            signal.alarm(0)
            c.finish()
            print("Bail out! the runner script is gone", file=TAP)
            return 2
        except Failure as error:
            problems.append(str(error))
        except CaseTimeout:
            problems.append(f"the case ran longer than {limit} s")
        except Exception as error:  # noqa: BLE001 - a broken case is a failed case
            problems.append(f"{type(error).__name__}: {error}")
        finally:
            signal.alarm(0)
        signal.alarm(60)
        try:
            problems += c.finish()
        except CaseTimeout:
            problems.append("cleaning up took longer than 60 s")
        finally:
            signal.alarm(0)
        elapsed = time.monotonic() - start
        if problems:
            failed += 1
            print(f"not ok {number} - {name}", file=TAP)
            for problem in problems:
                for line in problem.splitlines():
                    print(f"# {line}", file=TAP)
            for app in c.apps:
                tail = app.log_tail()
                if tail:
                    print(f"# output of pipecalc (pid {app.pid}):", file=TAP)
                    for line in tail.splitlines():
                        print(f"#   {line}", file=TAP)
        else:
            print(f"ok {number} - {name}", file=TAP)
        for note in c.notes:
            print(f"# {note}", file=TAP)
        print(f"# {name}: {elapsed:.1f} s", file=TAP)
    print(f"# {len(chosen) - failed}/{len(chosen)} passed in {time.monotonic() - suite_start:.1f} s",
          file=TAP)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
