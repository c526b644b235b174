#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Takes the screenshots of docs/screenshots/ from a real window, driven as
in the GUI tests: main-en.png, main-ru.png, error.png, log.png, and the
connection dialog (connection-en.png; connection-remote-ru-dark.png in
Russian, in the dark theme, with the remote fields showing; and, to look
at, not in the docs: the remote fields in English light and dark and in
Russian light), the graph pane (graph-en.png, graph-ru.png and both in the
dark theme), and, to look at, the error row in the dark theme
(error-dark.png); issue 16's side panel on each page (panel-*.png), the
keypad (keypad-*.png) and Clear History's notification (toast-*.png), in
English and Russian, light and dark, some at the minimum size (-min) and
about the whole screen (-max); a restored session with the server gone
again (session-en.png, session-ru-dark.png; to look at: session-en-min.png,
session-ru-dark-min.png, session-ru-max.png).

Run through the runner, which provides the display and the private session:
  PIPECALC_SCREENSHOTS=docs/screenshots tests/gui/run-gui-tests.sh [BUILDDIR]
Arguments: the names of the shots to take; all when none."""

import os
import subprocess
import sys
import time

if os.environ.get("PIPECALC_TAP_FD"):
    OUT = os.fdopen(int(os.environ["PIPECALC_TAP_FD"]), "w", buffering=1)
else:
    OUT = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import pcgraph  # noqa: E402
import pcgui  # noqa: E402
from pcgui import App, Case, combo, wait_until  # noqa: E402

DIR = os.environ["PIPECALC_SCREENSHOTS"]
RESULTS = ["2^10", "sqrt(2)", "sin(pi/6)*2", "(1+2)*3/4"]


def settle(app):
    """Rests the pointer on the header bar title (the window keeps the
    keyboard, and no tooltip opens), then lets GTK finish drawing."""
    title = app.header_labels()[0]
    x, y = pcgui.center(title)
    pcgui.rawinput.absoluteMotion(x, y)
    time.sleep(1.0)


def shoot(app, name):
    """Saves the window's area of the screen as DIR/name."""
    frame = app.frame()
    x, y = frame.position
    w, h = frame.size
    path = os.path.join(DIR, name)
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage",
                    "-strip", path], check=True, timeout=30)
    print(f"# {path}: {w}x{h}", file=OUT)


def start(c, language=None, theme=None):
    # A size that shows the rows and the log together without scrolling.
    c.set_settings(window_width=600, window_height=520)
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    return app


def main_window(c, name, language=None):
    app = start(c, language)
    for expression in RESULTS:
        app.evaluate(expression)
    # Focus on the = button, so the entry shows its (translated) placeholder.
    # (The combo box's arrow comes first.)
    button = app.button(app.strings("Evaluate"))
    for _ in range(3):
        pcgui.key("Tab")
        time.sleep(0.3)
        if pcgui.has_state(button, pcgui.pyatspi.STATE_FOCUSED):
            break
    settle(app)
    shoot(app, name)


def main_en(c):
    main_window(c, "main-en.png")


def main_ru(c):
    main_window(c, "main-ru.png", "ru")


def error(c, name="error.png", theme=None):
    app = start(c, theme=theme)
    app.evaluate("2^10")
    app.evaluate("1+*2")
    wait_until(lambda: app.entry_text() == "1+*2", 5, "the expression back in the entry")
    settle(app)
    shoot(app, name)


def error_dark(c):
    """To look at, not in the docs: the error colours in the dark theme."""
    error(c, "error-dark.png", "Adwaita:dark")


def log(c):
    app = start(c)
    combo("<Control>l")
    wait_until(lambda: pcgui.is_showing(app.log_view()), 5, "the log panel")
    for expression in ("2+2", "2^10", "1+*2"):
        app.evaluate(expression)
    settle(app)
    shoot(app, "log.png")


def open_connection_dialog(app):
    """Main menu → Connection…; returns the dialog's accessible node."""
    pcgui.click(app.button(app.strings("Main menu")))
    name = app.strings("_Connection…").replace("_", "")
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == name and pcgui.is_showing(n)),
                      5, f"{name} in the main menu")
    pcgui.click(item)
    return wait_until(lambda: next((n for n in app.node.children if n is not None
                                    and n.roleName == "dialog" and pcgui.is_showing(n)), None),
                      10, "the Connection dialog")


def shoot_dialog(dialog, name):
    x, y = dialog.position
    w, h = dialog.size
    path = os.path.join(DIR, name)
    # The pointer rests on the dialog's title, where no tooltip opens.
    pcgui.rawinput.absoluteMotion(x + w // 2, y + 12)
    time.sleep(1.0)
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage",
                    "-strip", path], check=True, timeout=30)
    print(f"# {path}: {w}x{h}", file=OUT)


def connection(c, name, language=None, theme=None, remote=False):
    if remote:
        # A remote server as the docs advise: TLS on (the CA file stays
        # the system's), which makes the CA row usable.
        c.set_settings(remote_host="calc.example.org", use_tls="true")
    app = start(c, language, theme)
    dialog = open_connection_dialog(app)
    if remote:
        label = app.strings("_Remote server").replace("_", "")
        radio = wait_until(lambda: pcgui.find(dialog, lambda n: n.roleName == "radio button"
                                              and n.name == label and pcgui.is_showing(n)),
                           5, f"the {label} radio button")
        pcgui.click(radio)
        wait_until(lambda: pcgui.has_state(radio, pcgui.pyatspi.STATE_CHECKED), 5,
                   "the remote mode to be chosen")
    shoot_dialog(dialog, name)


def connection_en(c):
    connection(c, "connection-en.png")


def connection_remote_ru_dark(c):
    connection(c, "connection-remote-ru-dark.png", "ru", "Adwaita:dark", remote=True)


def connection_remote_en(c):
    connection(c, "connection-remote-en.png", remote=True)


def connection_remote_en_dark(c):
    connection(c, "connection-remote-en-dark.png", theme="Adwaita:dark", remote=True)


def connection_remote_ru(c):
    connection(c, "connection-remote-ru.png", "ru", remote=True)


FORMAT_RESULTS = ["0.75", "1/3", "pi", "2^64", "1234567.891", "255", "1/0", "sqrt(-1)"]


def formats(c, name, language=None, theme=None, size=(1, 1), menu=False, **settings):
    """The results in a number format; size (1, 1) is the window's minimum
    (the settings ask for less, GTK gives the least it can), (1280, 860)
    about the whole screen (there is no window manager to maximise)."""
    c.set_settings(window_width=size[0], window_height=size[1], **settings)
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    for expression in FORMAT_RESULTS:
        app.evaluate(expression)
    if menu:
        pcgui.click(app.button(app.strings("Number format")))
        name_ = app.strings("F_raction").replace("_", "")
        wait_until(lambda: pcgui.find(app.frame(), lambda n: n.name == name_ and pcgui.is_showing(n)),
                   5, "the number format menu")
        time.sleep(1.0)
        shoot(app, name)
        return
    settle(app)
    shoot(app, name)


def format_fraction_en_min(c):
    formats(c, "format-fraction-en-min.png", number_style="frac")


def format_fraction_ru_dark_min(c):
    formats(c, "format-fraction-ru-dark-min.png", "ru", "Adwaita:dark", number_style="frac")


def format_fixed_ru_max(c):
    formats(c, "format-fixed-ru-max.png", "ru", size=(1280, 860), number_style="fixed",
            digit_grouping="true")


def format_auto_en_dark_max(c):
    formats(c, "format-auto-en-dark-max.png", None, "Adwaita:dark", size=(1280, 860))


def format_menu_en(c):
    formats(c, "format-menu-en.png", size=(600, 520), menu=True, number_style="hex")


def format_menu_ru_dark(c):
    formats(c, "format-menu-ru-dark.png", "ru", "Adwaita:dark", size=(600, 520), menu=True)


def preferences(c, name, language=None, theme=None):
    app = start(c, language, theme)
    pcgui.click(app.button(app.strings("Main menu")))
    label = app.strings("_Preferences").replace("_", "")
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == label and pcgui.is_showing(n)),
                      5, f"{label} in the main menu")
    pcgui.click(item)
    dialog = wait_until(lambda: next((n for n in app.node.children if n is not None
                                      and n.roleName == "dialog" and pcgui.is_showing(n)), None),
                        10, "the Preferences dialog")
    shoot_dialog(dialog, name)


def preferences_en(c):
    preferences(c, "preferences-en.png")


def preferences_ru_dark(c):
    preferences(c, "preferences-ru-dark.png", "ru", "Adwaita:dark")


def graph(c, name, language=None, theme=None):
    """sin(x)/x and cos(x) on the graph pane, the pointer on the graph."""
    c.set_settings(window_width=640, window_height=600)
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    for expression in ("2^10", "sqrt(2)"):
        app.focus_entry()
        app.wait_local_connected()
        app.evaluate(expression)
    pcgraph.show_log(app)
    app.focus_entry()
    pcgraph.plot(app, "sin(x)/x", "<Control>g")
    pcgraph.plot(app, "cos(x)")
    pcgraph.hide_log(app)
    time.sleep(0.5)
    node = pcgraph.view(app)
    x, y = node.position
    w, h = node.size
    for dx in (0, 1):
        pcgui.rawinput.absoluteMotion(x + w * 3 // 5 + dx, y + h // 3)
    wait_until(lambda: pcgui.text_of(pcgraph.status(app)).startswith("x = "), 5,
               "the values under the pointer", state=lambda: pcgui.text_of(pcgraph.status(app)))
    time.sleep(0.5)
    w, h = pcgraph.shoot_window(app, os.path.join(DIR, name))
    print(f"# {os.path.join(DIR, name)}: {w}x{h}", file=OUT)


def graph_en(c):
    graph(c, "graph-en.png")


def graph_ru(c):
    graph(c, "graph-ru.png", "ru")


def graph_en_dark(c):
    graph(c, "graph-en-dark.png", theme="Adwaita:dark")


def graph_ru_dark(c):
    graph(c, "graph-ru-dark.png", "ru", "Adwaita:dark")


# ---- Issue 16: panel ----

def panel_app(c, language=None, theme=None, size=(900, 560), keypad=False, panel=True):
    """A window with a few results and definitions, the side panel (and
    the keypad) shown from the settings, as a person left them."""
    c.set_settings(window_width=size[0], window_height=size[1], show_panel=str(panel).lower(),
                   show_keypad=str(keypad).lower())
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    for expression in ("a = 3", "r = sqrt(2)", "f(x) = x^2 + 1", "f(a) * r", "2+2"):
        app.evaluate(expression)
    return app


def panel_page(c, name, page, language=None, theme=None, size=(900, 560), search=None):
    app = panel_app(c, language, theme, size)
    panel = pcgui.find(app.frame(), lambda n: n.roleName == "panel"
                       and n.name == app.strings("Side panel"))
    title = app.strings(page)
    tab = wait_until(lambda: pcgui.find(panel, lambda n: n.roleName == "radio button"
                                        and n.name == title and pcgui.is_showing(n)),
                     5, f"the {title!r} page")
    pcgui.click(tab)
    if search:
        field = wait_until(lambda: pcgui.find(panel, lambda n: n.roleName == "text"
                                              and n.name == app.strings("Search functions")
                                              and pcgui.is_showing(n)), 5, "the search field")
        field.queryEditableText().setTextContents(search)
    time.sleep(0.5)
    settle(app)
    shoot(app, name)


def panel_variables_en(c):
    panel_page(c, "panel-variables-en.png", "Variables")


def panel_variables_ru_dark(c):
    panel_page(c, "panel-variables-ru-dark.png", "Variables", "ru", "Adwaita:dark")


def panel_functions_en_dark(c):
    panel_page(c, "panel-functions-en-dark.png", "Functions", None, "Adwaita:dark")


def panel_functions_ru(c):
    panel_page(c, "panel-functions-ru.png", "Functions", "ru")


def panel_functions_search_ru_min(c):
    panel_page(c, "panel-functions-search-ru-min.png", "Functions", "ru", size=(1, 1),
               search="корень")


def panel_history_en(c):
    panel_page(c, "panel-history-en.png", "History")


def panel_history_ru_dark_max(c):
    panel_page(c, "panel-history-ru-dark-max.png", "History", "ru", "Adwaita:dark",
               size=(1280, 860))


def keypad(c, name, language=None, theme=None, size=(600, 640), panel=False):
    app = panel_app(c, language, theme, size, keypad=True, panel=panel)
    pcgui.type_text("2*(1+")
    time.sleep(0.5)
    settle(app)
    shoot(app, name)


def keypad_en(c):
    keypad(c, "keypad-en.png")


def keypad_ru_dark(c):
    keypad(c, "keypad-ru-dark.png", "ru", "Adwaita:dark")


def keypad_en_min(c):
    keypad(c, "keypad-en-min.png", size=(1, 1))


def keypad_panel_ru_max(c):
    keypad(c, "keypad-panel-ru-max.png", "ru", size=(1280, 860), panel=True)


def toast(c, name, language=None, theme=None):
    app = panel_app(c, language, theme, (600, 520), panel=False)
    pcgui.click(app.button(app.strings("Main menu")))
    label = app.strings("C_lear History").replace("_", "")
    item = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.roleName == "push button"
                                         and n.name == label and pcgui.is_showing(n)),
                      5, "Clear History in the main menu")
    pcgui.click(item)
    undo = app.strings("_Undo").replace("_", "")
    wait_until(lambda: pcgui.find(app.frame(), lambda n: n.name == undo and pcgui.is_showing(n)),
               5, "the notification")
    time.sleep(0.6)
    title = app.header_labels()[0]
    x, y = pcgui.center(title)
    pcgui.rawinput.absoluteMotion(x, y)
    time.sleep(0.3)
    shoot(app, name)


def toast_en(c):
    toast(c, "toast-en.png")


def toast_ru_dark(c):
    toast(c, "toast-ru-dark.png", "ru", "Adwaita:dark")


def session(c, name, language=None, theme=None, size=(600, 520)):
    """Issue 16: a session restored after the server came back (its
    divider), then the server gone again with 1+1 waiting (the banner)."""
    server = pcgui.TestServer(c).start()
    c.set_settings(mode="remote", remote_host="127.0.0.1", remote_transport="tcp",
                   remote_port=server.port, window_width=size[0], window_height=size[1])
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    app.focus_entry()
    app.wait_subtitle(lambda s: s == server.address, f"to read {server.address}")
    for expression in ("a = 3", "f(x) = x^2 + a"):
        app.evaluate(expression)
    time.sleep(0.5)
    server.kill()
    app.wait_subtitle(lambda s: s != server.address, "to leave the address", timeout=10)
    server.start()
    app.wait_subtitle(lambda s: s == server.address, "to come back", timeout=45)
    app.focus_entry()
    app.evaluate("f(a)")
    server.kill()
    app.wait_subtitle(lambda s: s != server.address, "to leave the address", timeout=10)
    app.focus_entry()
    app.submit("1+1")
    time.sleep(0.5)
    settle(app)
    shoot(app, name)


def session_en(c):
    session(c, "session-en.png")


def session_ru_dark(c):
    session(c, "session-ru-dark.png", "ru", "Adwaita:dark")


def session_en_min(c):
    session(c, "session-en-min.png", size=(1, 1))


def session_ru_dark_min(c):
    session(c, "session-ru-dark-min.png", "ru", "Adwaita:dark", size=(1, 1))


def session_ru_max(c):
    session(c, "session-ru-max.png", "ru", size=(1280, 860))


# ---- Issue 16: rows ----

def row_menu(c, name, language=None, theme=None, size=(600, 520)):
    """A result's menu open (right click), a long sum wrapped at its
    operators above it."""
    c.set_settings(window_width=size[0], window_height=size[1])
    app = App(c, language=language, extra_env={"GTK_THEME": theme} if theme else None)
    app.wait_window()
    app.focus_entry()
    app.wait_local_connected()
    for expression in ("123456789012345+234567890123456+345678901234567+456789012345678", "2^64",
                       "1+*2"):
        app.evaluate(expression)
    pcgui.key("Escape")
    row = [r for r in app.results().children if r is not None][1]
    x, y = pcgui.center(row)
    pcgui.rawinput.click(x, y, button=3)
    item = app.strings("Copy E_xpression").replace("_", "")
    node = wait_until(lambda: pcgui.find(app.frame(), lambda n: n.name == item and pcgui.is_showing(n)),
                      5, "the row menu")
    pcgui.rawinput.absoluteMotion(*pcgui.center(node))  # hovered, and no row tooltip
    time.sleep(1.0)
    shoot(app, name)


def row_menu_en(c):
    row_menu(c, "row-menu-en.png")


def row_menu_ru_dark_min(c):
    row_menu(c, "row-menu-ru-dark-min.png", "ru", "Adwaita:dark", size=(1, 1))


def row_menu_en_max(c):
    row_menu(c, "row-menu-en-max.png", size=(1280, 860))


SHOTS = [main_en, main_ru, error, log, connection_en, connection_remote_ru_dark,
         connection_remote_en, connection_remote_en_dark, connection_remote_ru,
         format_fraction_en_min, format_fraction_ru_dark_min, format_fixed_ru_max,
         format_auto_en_dark_max, format_menu_en, format_menu_ru_dark, preferences_en,
         preferences_ru_dark, graph_en, graph_ru, graph_en_dark, graph_ru_dark,
         error_dark, panel_variables_en, panel_variables_ru_dark, panel_functions_en_dark,
         panel_functions_ru, panel_functions_search_ru_min, panel_history_en,
         panel_history_ru_dark_max, keypad_en, keypad_ru_dark, keypad_en_min, keypad_panel_ru_max,
         toast_en, toast_ru_dark, session_en, session_ru_dark, session_en_min,
         session_ru_dark_min, session_ru_max,
         row_menu_en, row_menu_ru_dark_min, row_menu_en_max]


def main(argv):
    chosen = [s for s in SHOTS if not argv or s.__name__ in argv]
    failed = 0
    print(f"1..{len(chosen)}", file=OUT)
    for number, shot in enumerate(chosen, 1):
        c = Case(number, shot.__name__)
        problems = []
        try:
            shot(c)
        except pcgui.Failure as error_:
            problems.append(str(error_))
        problems += c.finish()
        name = shot.__name__.replace("_", "-")
        if problems:
            failed += 1
            print(f"not ok {number} - {name}", file=OUT)
            for problem in problems:
                print(f"# {problem}", file=OUT)
        else:
            print(f"ok {number} - {name}", file=OUT)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
