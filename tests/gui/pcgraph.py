# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""The graph pane as the GUI tests and the screenshots see it: the drawing
area's place on screen and its range (from its accessible description),
its pixels (a screenshot), and the `sample` requests in the log panel."""

import os
import re
import subprocess
import time

import gi

gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf  # noqa: E402

import pcgui
from pcgui import Failure, find, is_showing, wait_until

# The palette's first colours (pc_graph_view_palette).
BLUE = (0x35, 0x84, 0xe4)
RED = (0xe0, 0x1b, 0x24)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def view(app):
    """The drawing area (named "Graph" in the window's language)."""
    name = app.strings("Graph")
    return app._cached("graph-view", lambda: find(app.frame(), lambda n: n.roleName == "drawing area"
                                                  and n.name == name))


def status(app):
    name = app.strings("Value under the pointer")
    return app._cached("graph-status", lambda: find(app.frame(), lambda n: n.roleName == "label"
                                                    and n.name == name))


def show_log(app):
    pcgui.combo("<Control>l")
    wait_until(lambda: is_showing(app.log_view()), 5, "the log panel")


def hide_log(app):
    pcgui.combo("<Control>l")
    wait_until(lambda: not is_showing(app.log_view()), 5, "the log panel to close")


def rest_pointer(app):
    """Puts the pointer on the header bar's title: off the graph (no
    cross-hair) and where no tooltip opens."""
    x, y = pcgui.center(app.header_labels()[0])
    pcgui.rawinput.absoluteMotion(x, y)


def value_lines(app):
    """How many `sample` replies with values the log shows."""
    # "← 560 values", in any language; eval's replies have no word after
    # the number, errors no number first.
    return len(re.findall(r" ← \d+ \w+$", app.log_text(), re.M))


def sample_requests(app):
    """The (from, to, points) of every `sample` request in the log."""
    found = re.findall(r"→ sample .* over \[(\S+), (\S+)\], (\d+) points", app.log_text())
    return [(float(a), float(b), int(n)) for a, b, n in found]


def plot(app, expression, shortcut="<Control>Return"):
    """Types expression in the entry and plots it (Ctrl+Enter, or Ctrl+G
    when the pane is closed); waits for its values to come."""
    before = value_lines(app)
    pcgui.type_text(expression)
    wait_until(lambda: app.entry_text() == expression, 5, f"the entry to hold {expression!r}",
               state=app.entry_text)
    pcgui.combo(shortcut)
    wait_until(lambda: value_lines(app) > before, 15, f"the values of {expression!r} in the log",
               state=lambda: app.log_text()[-400:])
    wait_until(lambda: is_showing(view(app)), 5, "the graph on screen")


def wait_resample(app, before, what):
    """Waits for a `sample` reply after the count `before`, and a pause."""
    wait_until(lambda: value_lines(app) > before, 15, what, state=lambda: app.log_text()[-400:])
    time.sleep(0.5)


def view_range(app):
    """(x_from, x_to, y_from, y_to) from the drawing's description."""
    numbers = NUMBER.findall(view(app).description)
    if len(numbers) < 4:
        raise Failure(f"no range in the graph's description {view(app).description!r}")
    return tuple(float(n) for n in numbers[-4:])


class Shot:
    """A screenshot of the drawing area, and its mapping to values."""

    def __init__(self, app, path):
        node = view(app)
        self.x, self.y = node.position
        self.w, self.h = node.size
        self.range = view_range(app)
        subprocess.run(["import", "-window", "root", "-crop", f"{self.w}x{self.h}+{self.x}+{self.y}",
                        "+repage", "-strip", path], check=True, timeout=30)
        self.pixbuf = GdkPixbuf.Pixbuf.new_from_file(path)
        if (self.pixbuf.get_width(), self.pixbuf.get_height()) != (self.w, self.h):
            raise Failure(f"the screenshot is {self.pixbuf.get_width()}x{self.pixbuf.get_height()}, "
                          f"the graph {self.w}x{self.h}")
        self.pixels = self.pixbuf.get_pixels()
        self.stride = self.pixbuf.get_rowstride()
        self.channels = self.pixbuf.get_n_channels()

    def pixel(self, column, row):
        at = row * self.stride + column * self.channels
        return tuple(self.pixels[at:at + 3])

    def x_at(self, column):
        x_from, x_to, _, _ = self.range
        return x_from + (column + 0.5) / self.w * (x_to - x_from)

    def row_of(self, y):
        _, _, y_from, y_to = self.range
        return (y_to - y) / (y_to - y_from) * self.h - 0.5

    def y_at(self, row):
        _, _, y_from, y_to = self.range
        return y_to - (row + 0.5) / self.h * (y_to - y_from)

    def column_of(self, x):
        x_from, x_to, _, _ = self.range
        return (x - x_from) / (x_to - x_from) * self.w - 0.5

    def curve_rows(self, column, colour, tolerance=60):
        """The rows of column where the curve's colour is."""
        rows = []
        for row in range(self.h):
            p = self.pixel(column, row)
            if all(abs(p[i] - colour[i]) <= tolerance for i in range(3)):
                rows.append(row)
        return rows


def shoot_window(app, path):
    frame = app.frame()
    x, y = frame.position
    w, h = frame.size
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage",
                    "-strip", path], check=True, timeout=30)
    return w, h


def open_graph(c, app, expression):
    """Shows the log, types expression and presses Ctrl+G: the pane opens
    with it plotted."""
    app.focus_entry()
    app.wait_local_connected()
    show_log(app)
    app.focus_entry()
    plot(app, expression, "<Control>g")
    rest_pointer(app)
    time.sleep(0.5)


def export(app, path):
    """Export… → types the file's name in the file chooser (which opens in
    the home folder: the case's) → Enter; waits for the file."""
    pcgui.click(app.button(app.strings("Export the graph")))
    dialog = wait_until(lambda: next((n for n in app.node.children if n is not None
                                      and n.roleName in ("dialog", "file chooser")
                                      and is_showing(n)), None),
                        10, "the export file chooser")
    time.sleep(0.5)
    pcgui.combo("<Control>a")
    pcgui.type_text(os.path.basename(path))
    time.sleep(0.3)
    pcgui.key("Return")
    try:
        wait_until(lambda: os.path.exists(path) and os.path.getsize(path) > 0, 10, f"{path} written")
    except Failure:
        subprocess.run(["import", "-window", "root", path + ".failed.png"], timeout=30)
        raise
    wait_until(lambda: not is_showing(dialog), 5, "the file chooser to close")
    # Written in the background: let it finish.
    time.sleep(0.5)
