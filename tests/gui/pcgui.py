# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Drives the pipecalc window the way a person does: keys and clicks go in
through the X server (XTest, by AT-SPI's registry), and what the window
shows comes back through AT-SPI.

Everything here is bounded in time: every wait has a deadline, and each
case also runs under an alarm (see test_gui.py). Each window runs with
its own HOME, XDG directories and keyfile settings, so a case never sees
another's history or settings, nor the real user's.

Import this module only after stdout has been set aside for TAP: dogtail
prints to stdout."""

import gettext
import os
import shutil
import signal
import socket
import subprocess
import threading
import time

from dogtail.config import config

# The window does not need dconf's toolkit-accessibility key: GTK 3 loads
# its AT-SPI bridge whenever an accessibility bus answers.
config.checkForA11y = False
config.logDebugToFile = False
config.logDebugToStdOut = False
config.actionDelay = 0.15
config.defaultDelay = 0.1
config.typingDelay = 0.03
config.searchShowingOnly = False

import pyatspi  # noqa: E402  (after dogtail's configuration)
from dogtail import rawinput, tree  # noqa: E402
from gi.repository import GLib  # noqa: E402

PIPECALC = os.environ["PIPECALC_GUI"]
PIPECALCD = os.environ["PIPECALCD"]
SCHEMA_DIR = os.environ["GSETTINGS_SCHEMA_DIR"]
TRANSPORT_PATH = os.environ.get("PIPECALC_TRANSPORT_PATH", "")
LOCALEDIR = os.environ.get("PIPECALC_LOCALEDIR", "")
WORKDIR = os.environ["PIPECALC_GUI_TMP"]


def _sanitized(path):
    try:
        with open(path, "rb") as binary:
            return b"__asan_init" in binary.read()
    except OSError:
        return False


# Sanitizer builds start and draw several times slower: their timeouts
# are tripled (except the ones the behaviour itself defines).
SCALE = float(os.environ.get("PIPECALC_GUI_TIMEOUT_SCALE") or (3 if _sanitized(PIPECALC) else 1))

SCHEMA = "io.github.pipecalc.PipeCalc"


class Failure(Exception):
    """A check failed; the message says what was expected and what was seen."""


class RunnerGone(BaseException):
    """The runner script died (killed outright): stop, clean up, leave."""


RUNNER = int(os.environ.get("PIPECALC_GUI_RUNNER_PID") or 0)


def check_runner():
    if RUNNER and not alive(RUNNER):
        raise RunnerGone()


# ---- Waiting -----------------------------------------------------------

# What AT-SPI raises while a widget is being built or torn down.
_TRANSIENT = (GLib.GError, LookupError, AttributeError, RuntimeError, TypeError)


def wait_until(check, timeout, what, state=None, interval=0.05):
    """Calls check() until it returns something true, at most timeout
    seconds (scaled), and returns that. On timeout, fails saying what was
    awaited and, through state(), what the window showed instead."""
    timeout *= SCALE
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        check_runner()
        try:
            value = check()
            if value:
                return value
        except _TRANSIENT as error:
            last_error = error
        if time.monotonic() >= deadline:
            message = f"{what}: not seen within {timeout:g} s"
            if state is not None:
                try:
                    message += f"; instead: {state()!r}"
                except _TRANSIENT as error:
                    message += f"; (state unreadable: {error})"
            if last_error is not None:
                message += f"; last AT-SPI error: {last_error}"
            raise Failure(message)
        time.sleep(interval)


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- Accessible tree ---------------------------------------------------

def descendants(node, depth=40):
    """Every accessible under node, depth first, parents before children."""
    if depth == 0:
        return
    try:
        children = list(node.children)
    except _TRANSIENT:
        return
    for child in children:
        if child is None:
            continue
        yield child
        yield from descendants(child, depth - 1)


def find(node, predicate):
    for child in descendants(node):
        try:
            if predicate(child):
                return child
        except _TRANSIENT:
            continue
    return None


def find_all(node, predicate):
    found = []
    for child in descendants(node):
        try:
            if predicate(child):
                found.append(child)
        except _TRANSIENT:
            continue
    return found


def has_state(node, state):
    return node.getState().contains(state)


def is_showing(node):
    return has_state(node, pyatspi.STATE_SHOWING)


def text_of(node):
    text = node.queryText()
    return text.getText(0, text.characterCount)


def all_strings(node):
    """Every name, description and text the window exposes."""
    strings = []
    for child in [node] + list(descendants(node)):
        try:
            strings += [child.name or "", child.description or ""]
            if child.roleName in ("label", "text", "menu item", "push button"):
                strings.append(text_of(child) if "Text" in pyatspi.listInterfaces(child) else "")
            for attribute in child.getAttributes() or []:
                strings.append(attribute.partition(":")[2])
        except _TRANSIENT:
            continue
    return [s for s in strings if s]


def label_of(node):
    """The text of the label a widget is labelled by (a mnemonic label)."""
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(relation.getNTargets()):
                target = relation.getTarget(i)
                if target is not None and target.name:
                    return target.name
    return None


def center(node):
    x, y = node.position
    w, h = node.size
    return x + w // 2, y + h // 2


def click(node):
    """Clicks the middle of node, once it shows on screen."""
    def where():
        x, y = center(node)
        return (x, y) if is_showing(node) and x >= 0 and y >= 0 else None
    x, y = wait_until(where, 5, f"the {node.roleName} {node.name!r} on screen to click it")
    rawinput.click(x, y)


def type_text(text):
    rawinput.typeText(text)


def key(name):
    rawinput.pressKey(name)


def combo(keys):
    rawinput.keyCombo(keys)


# ---- Processes ---------------------------------------------------------

def proc_children(pid, exe=None):
    """Living processes whose parent is pid (and whose executable is exe)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if fields[0] == "Z" or int(fields[1]) != pid:
                continue
            if exe is not None and os.path.realpath(f"/proc/{entry}/exe") != os.path.realpath(exe):
                continue
            found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


def processes_of(exe):
    """Living processes (not zombies) running the executable exe."""
    found = []
    real = os.path.realpath(exe)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.path.realpath(f"/proc/{entry}/exe") != real:
                continue
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            found.append(int(entry))
        except OSError:
            continue
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sanitizer_env(env, gui):
    """The window under AddressSanitizer: GTK, fontconfig and the AT-SPI
    bridge keep allocations until exit that LeakSanitizer reports, so leak
    detection is off for the window only; memory errors and UBSan reports
    still end a case (see Case.finish)."""
    options = env.get("ASAN_OPTIONS")
    if gui and options is not None and not env.get("PIPECALC_GUI_DETECT_LEAKS"):
        parts = [p for p in options.split(":") if p and not p.startswith("detect_leaks=")]
        env["ASAN_OPTIONS"] = ":".join(parts + ["detect_leaks=0"])
    return env


# ---- Translations ------------------------------------------------------

class Strings:
    """The window's strings in one language, as its .mo file has them."""

    def __init__(self, language=None):
        self.language = language
        self.catalog = None
        if language:
            try:
                self.catalog = gettext.translation("pipecalc", LOCALEDIR, languages=[language])
            except OSError as error:
                raise Failure(f"no {language} catalogue under {LOCALEDIR or '(PIPECALC_LOCALEDIR unset)'}: "
                              f"{error}; is the po/ target built?") from None

    def __call__(self, msgid):
        return self.catalog.gettext(msgid) if self.catalog else msgid

    def ngettext(self, singular, plural, n):
        if self.catalog:
            return self.catalog.ngettext(singular, plural, n)
        return singular if n == 1 else plural

    def translated(self, msgid):
        """The translation of msgid, failing when the catalogue has none."""
        text = self(msgid)
        if self.catalog and text == msgid:
            raise Failure(f"po/{self.language}.po has no translation for {msgid!r}")
        return text


# ---- Servers the tests start -------------------------------------------

class TestServer:
    """A pipecalcd listening on tcp://127.0.0.1:PORT, started by the test."""

    def __init__(self, case, port=None, tls=False, args=()):
        self.case = case
        self.port = port or free_port()
        self.address = f"tcp://127.0.0.1:{self.port}" + ("?tls=1" if tls else "")
        self.args = list(args)
        self.proc = None
        self.count = 0

    def start(self, timeout=15):
        """Starts the server and waits until it accepts connections; the
        port may still be held for a moment by a server just killed."""
        deadline = time.monotonic() + timeout * SCALE
        while True:
            self.count += 1
            log = open(os.path.join(self.case.dir, f"pipecalcd-{self.port}-{self.count}.log"), "wb")
            self.proc = subprocess.Popen([PIPECALCD, "--listen", self.address, "--verbose",
                                          *self.args],
                                         env=tls_sanitizer_env(sanitizer_env(self.case.base_env(),
                                                                             gui=False)),
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
            self.case.cleanups.append(self.kill)
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return self
                except OSError:
                    time.sleep(0.05)
            if self.proc.poll() is None or time.monotonic() >= deadline:
                self.kill()
                raise Failure(f"pipecalcd did not start listening on {self.address} "
                              f"within {timeout * SCALE:g} s")
            time.sleep(0.2)  # exited: the port is still taken; try again

    def kill(self, sig=signal.SIGKILL):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class SilentServer:
    """A TCP listener on loopback that accepts connections and never
    answers. It lives at most `lifetime` seconds, and stops with its case."""

    def __init__(self, case, lifetime=90):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.received = b""
        self.stop_at = time.monotonic() + lifetime
        self.stopping = threading.Event()
        self.connections = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        case.cleanups.append(self.stop)

    def _run(self):
        while not self.stopping.is_set() and time.monotonic() < self.stop_at:
            try:
                conn, _ = self.sock.accept()
                conn.setblocking(False)
                self.connections.append(conn)
            except socket.timeout:
                pass
            except OSError:
                break
            for conn in self.connections:
                try:
                    data = conn.recv(65536)
                    if data:
                        self.received += data
                except (BlockingIOError, OSError):
                    pass
        for conn in self.connections:
            conn.close()
        self.sock.close()

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=5)


# ---- The window --------------------------------------------------------

class App:
    """One pipecalc process and the window it shows."""

    def __init__(self, case, language=None, args=(), extra_env=None):
        self.case = case
        self.strings = Strings(language)
        env = sanitizer_env(case.base_env(language), gui=True)
        env.update(extra_env or {})
        case.launches += 1
        self.log_path = os.path.join(case.dir, f"pipecalc-{case.launches}.log")
        log = open(self.log_path, "wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen([PIPECALC, *args], env=env, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        self.pid = self.proc.pid
        self.servers = set()    # private pipecalcd processes seen
        self.node = None
        self._cache = {}
        case.apps.append(self)

    # -- Finding the widgets --

    def _find_app(self):
        if self.proc.poll() is not None:
            raise Failure(f"pipecalc exited with status {self.proc.returncode} before "
                          f"showing its window; its output: {self.log_tail()!r}")
        for app in tree.root.applications():
            try:
                if app.get_process_id() == self.pid:
                    return app
            except _TRANSIENT:
                continue
        return None

    def wait_window(self, timeout=30):
        """Waits until the main window is on screen; returns the seconds
        since launch."""
        self.node = wait_until(self._find_app, timeout, "the pipecalc application on the AT-SPI bus")
        wait_until(lambda: self.frame() is not None and is_showing(self.frame()), timeout,
                   "the main window showing")
        wait_until(lambda: is_showing(self.entry()), timeout, "the expression entry showing")
        self.note_servers()
        return time.monotonic() - self.started

    def _cached(self, key, lookup):
        node = self._cache.get(key)
        if node is None:
            node = lookup()
            if node is not None:
                self._cache[key] = node
        return node

    def frame(self):
        return self._cached("frame", lambda: find(self.node, lambda n: n.roleName == "frame"))

    def frames(self):
        return [n for n in self.node.children if n is not None and n.roleName == "frame"]

    def combo_box(self):
        return self._cached("combo", lambda: find(self.frame(), lambda n: n.roleName == "combo box"))

    def entry(self):
        return self._cached("entry", lambda: find(self.combo_box(), lambda n: n.roleName == "text"))

    def results(self):
        return self._cached("results", lambda: find(self.frame(), lambda n: n.roleName == "list box"))

    def header_labels(self):
        """The title and subtitle labels of the header bar."""
        def lookup():
            header = self.frame().children[0]
            labels = find_all(header, lambda n: n.roleName == "label")
            return labels if len(labels) >= 2 else None
        return self._cached("header", lookup)

    def subtitle(self):
        return text_of(self.header_labels()[1])

    def log_view(self):
        name = self.strings("Log")
        return self._cached("log", lambda: find(self.frame(), lambda n: n.roleName == "text"
                                                and n.name == name))

    def log_text(self):
        return text_of(self.log_view())

    def button(self, name):
        return find(self.frame(), lambda n: n.roleName in ("push button", "toggle button")
                    and n.name == name)

    def entry_text(self):
        return text_of(self.entry())

    # -- Rows --

    def rows(self):
        return [row.name for row in self.results().children
                if row is not None and row.roleName == "list item"]

    def _row_prefixes(self, expression):
        # The formats a screen reader reads a row by: "%s = %s" (a value,
        # or "…" while waiting), "%s, error: %s" (an error).
        return [self.strings(f).replace("%s", expression, 1).split("%s")[0]
                for f in ("%s = %s", "%s, error: %s")]

    def _row_prefix(self, expression):
        return self._row_prefixes(expression)[0]

    def _row_outcome(self, name, expression):
        for prefix in self._row_prefixes(expression):
            if name.startswith(prefix):
                return name[len(prefix):]
        return None

    def outcome(self, expression, index=-1):
        """What the row of expression shows: its value or error message,
        "…" while it waits for the server, None if there is no such row."""
        matching = [o for o in (self._row_outcome(r, expression) for r in self.rows()) if o is not None]
        if not matching:
            return None
        return matching[index]

    def wait_outcome(self, expression, timeout=15):
        """Waits for the row of expression to have its answer."""
        return wait_until(lambda: (self.outcome(expression) or "…") != "…" and self.outcome(expression),
                          timeout, f"an answer in the row of {expression!r}", state=self.rows)

    def row(self, expression):
        """The last row of expression, None if there is none."""
        rows = [row for row in self.results().children
                if row is not None and self._row_outcome(row.name, expression) is not None]
        return rows[-1] if rows else None

    def row_labels(self, expression):
        for row in self.results().children:
            if row is not None and self._row_outcome(row.name, expression) is not None:
                return [(text_of(n), is_showing(n)) for n in find_all(row, lambda n: n.roleName == "label")]
        return []

    # -- Doing things --

    def focus_entry(self):
        """Clicks into the expression entry, as a person starts; without a
        window manager the pointer also gives the window the keyboard."""
        entry = self.entry()
        click(entry)
        wait_until(lambda: has_state(entry, pyatspi.STATE_FOCUSED), 5,
                   "keyboard focus in the expression entry")

    def evaluate(self, expression, timeout=15):
        """Types expression, presses Enter and returns the row's answer."""
        self.submit(expression)
        return self.wait_outcome(expression, timeout)

    def submit(self, expression):
        type_text(expression)
        wait_until(lambda: self.entry_text() == expression, 5,
                   f"the entry to hold {expression!r}", state=self.entry_text)
        pressed = time.monotonic()
        key("Return")
        wait_until(lambda: self.outcome(expression) is not None, 5,
                   f"a row for {expression!r}", state=self.rows)
        return pressed

    def wait_subtitle(self, predicate, what, timeout=20):
        return wait_until(lambda: predicate(self.subtitle()) and self.subtitle(), timeout,
                          f"the subtitle {what}", state=self.subtitle)

    def wait_local_connected(self, timeout=20):
        expected = self.strings("Local server · %s") % "unix"
        return self.wait_subtitle(lambda s: s == expected, f"to read {expected!r}", timeout)

    def note_servers(self):
        """Remembers the private servers this window runs now."""
        self.servers.update(proc_children(self.pid, PIPECALCD))
        return self.servers

    def quit(self, timeout=15):
        """Ctrl+Q, then waits for the process to end; returns its status."""
        combo("<Control>q")
        try:
            return self.proc.wait(timeout=timeout * SCALE)
        except subprocess.TimeoutExpired:
            raise Failure(f"pipecalc still runs {timeout * SCALE:g} s after Ctrl+Q") from None

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

    def kill(self):
        if self.proc.poll() is None:
            self.note_servers()
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=5 * SCALE)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # Private servers die with their window (PR_SET_PDEATHSIG); make sure.
        for pid in self.servers:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# ---- One case ----------------------------------------------------------

class Case:
    """The private directories, processes and settings of one case."""

    def __init__(self, number, name):
        self.number = number
        self.name = name
        self.dir = os.path.join(WORKDIR, f"case-{number:02d}")
        shutil.rmtree(self.dir, ignore_errors=True)
        for sub in ("home", "data", "config", "cache", "runtime"):
            os.makedirs(os.path.join(self.dir, sub), mode=0o700)
        os.chmod(os.path.join(self.dir, "runtime"), 0o700)
        self.apps = []
        self.cleanups = []
        self.launches = 0
        self.notes = []

    def base_env(self, language=None):
        env = dict(os.environ)
        env.update({
            "HOME": os.path.join(self.dir, "home"),
            "XDG_DATA_HOME": os.path.join(self.dir, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.dir, "config"),
            "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
            "XDG_RUNTIME_DIR": os.path.join(self.dir, "runtime"),
            "GSETTINGS_BACKEND": "keyfile",
            "GSETTINGS_SCHEMA_DIR": SCHEMA_DIR,
            "PIPECALC_SERVER": PIPECALCD,
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
        })
        env.pop("LANGUAGE", None)
        if TRANSPORT_PATH:
            env["PIPECALC_TRANSPORT_PATH"] = TRANSPORT_PATH
        if language == "ru":
            env.update({"LANGUAGE": "ru", "LANG": "ru_RU.UTF-8", "LC_ALL": "ru_RU.UTF-8"})
        return env

    @property
    def history_path(self):
        return os.path.join(self.dir, "data", "pipecalc", "history")

    def gsettings(self, *args):
        """Runs gsettings on this case's keyfile settings."""
        result = subprocess.run(["gsettings", *args], env=self.base_env(), capture_output=True,
                                text=True, timeout=20)
        if result.returncode != 0:
            raise Failure(f"gsettings {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def set_settings(self, **keys):
        for name, value in keys.items():
            self.gsettings("set", SCHEMA, name.replace("_", "-"), str(value))

    def note(self, text):
        self.notes.append(text)

    def finish(self):
        """Stops everything the case started; returns problems found in the
        windows' output (criticals, sanitizer reports)."""
        problems = []
        for app in self.apps:
            app.kill()
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:  # noqa: BLE001 - report, go on cleaning
                problems.append(f"cleanup: {error}")
        # The windows' and the test servers' output.
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".log"):
                continue
            with open(os.path.join(self.dir, name), encoding="utf-8", errors="replace") as log:
                for line in log:
                    if ("-CRITICAL **" in line or "-ERROR **" in line or "Sanitizer" in line
                            or "runtime error:" in line):
                        problems.append(f"{name}: {line.strip()}")
        return problems


# ---- Access tokens and TLS ---------------------------------------------

def tls_sanitizer_env(env):
    """GCC 12's LeakSanitizer crashes walking the dynamic TLS of the
    threads GnuTLS handshakes on (tests/test-trust.c says more); not
    intercepting __tls_get_addr avoids it, leak checking stays on."""
    options = env.get("ASAN_OPTIONS")
    if options is not None and "intercept_tls_get_addr" not in options:
        env["ASAN_OPTIONS"] = options + ":intercept_tls_get_addr=0"
    return env


def make_certificate(directory, names="IP:127.0.0.1,DNS:localhost"):
    """A self-signed certificate and its key, made by the openssl tool in
    directory; returns (certificate, key) paths."""
    cert = os.path.join(directory, "server.pem")
    key = os.path.join(directory, "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=pipecalc test",
                    "-addext", f"subjectAltName={names}"],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o600)
    return cert, key


def write_token(directory, token):
    """A token file only its owner may read, as pipecalcd requires."""
    path = os.path.join(directory, "server-token")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(token + "\n")
    return path


def open_connection_dialog(app):
    """Main menu → Connection…; returns the dialog's node."""
    click(app.button("Main menu"))
    item = wait_until(lambda: find(app.frame(), lambda n: n.roleName == "push button"
                                   and n.name == "Connection…" and is_showing(n)),
                      5, "Connection… in the main menu")
    click(item)
    return wait_until(lambda: next((n for n in app.node.children if n is not None
                                    and n.roleName == "dialog" and is_showing(n)), None),
                      10, "the Connection dialog")


def dialog_control(dialog, role, name):
    """A control of the dialog named itself, or by its label (the mnemonic
    label's relation, as a screen reader reads it)."""
    return wait_until(lambda: find(dialog, lambda n: n.roleName == role
                                   and (n.name or label_of(n)) == name
                                   and is_showing(n)),
                      5, f"a {role} named {name!r} in the Connection dialog",
                      state=lambda: sorted({(n.roleName, n.name) for n in descendants(dialog)
                                            if n.name}))


# ---- Issue 16: rows (copy, menus, history drop-down, log, layout) --------

def showing_buttons(node, names):
    """The showing push buttons under node named one of names, by name."""
    return {n.name: n for n in find_all(node, lambda n: n.roleName == "push button"
                                        and n.name in names and is_showing(n))}


def menu_items(app, every):
    """The row menu's items showing now (a popover's model buttons), by
    name; every: the names a row menu may have, translated. The rows' own
    copy buttons (told apart by their tooltip) are not menu items."""
    tooltip = app.strings("Copy the value (Ctrl+C)")
    return {name: node for name, node in showing_buttons(app.frame(), every).items()
            if node.description != tooltip}


def row_label(app, expression, text):
    """The label in the row of expression whose text is text."""
    row = app.row(expression)
    return wait_until(lambda: find(row, lambda n: n.roleName == "label" and text_of(n) == text),
                      5, f"a label {text!r} in the row of {expression}",
                      state=lambda: app.row_labels(expression))


def char_center(node, offset):
    """The screen centre of character offset of a text node."""
    x, y, w, h = node.queryText().getCharacterExtents(offset, pyatspi.DESKTOP_COORDS)
    return x + w // 2, y + h // 2


def selection_of(node):
    """The selected text of a label or entry, "" for none."""
    text = node.queryText()
    if text.getNSelections() == 0:
        return ""
    start, end = text.getSelection(0)
    return text.getText(start, end)
