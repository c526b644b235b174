#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Soak test: one pipecalcd, many clients over every transport, for a while.

64 clients (by default) share one server listening on unix, tcp and fifo
at once, each on one transport in turn, and send a random mix of:

  valid    plain and JSON-RPC evaluations of random a+b*c, variables set
           then read back, batches: every answer is checked against the
           value computed here;
  invalid  bad JSON, unknown methods, syntax errors, wrong params: every
           error code is checked;
  hostile  lines over the limit, JSON nested too deep, bad UTF-8, a NUL
           byte, big batches, floods of requests never read, a writer
           sending a byte every 20 ms, half lines then a disconnect,
           connections dropped at once: the server must
           stay up, and a connection that was not dropped must still answer
           correctly afterwards.

The server's RSS (VmRSS of /proc/PID/status) and open descriptors
(/proc/PID/fd) are sampled twice a second. They must stay flat: after the
clients have stopped, the RSS must be within RSS_BOUND of the figure at the
end of the warm-up, and the descriptors back to exactly the figure before
the first client. At the end the server is stopped with SIGTERM and must
exit with status 0 (under AddressSanitizer that includes its leak check).

Exit status 0 when everything held; prints the figures either way.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import stat
import string
import sys
import tempfile
import time

CLIENTS = 64
TRANSPORTS = ("unix", "tcp", "fifo")
MAX_LINE = 65536
REPLY_TIMEOUT = 60.0  # seconds; generous, the server may be an ASan build on a busy machine

# The RSS once the clients have left may exceed the RSS after the warm-up
# by at most this much. Why 32 MiB: by the end of the warm-up the server has
# reached its working set for 64 busy clients (worker threads, an evaluator
# and parse cache per session, reply buffers, batches of 600 replies); what
# may legitimately still grow is allocator fragmentation and, in an ASan
# build, the quarantine of freed memory, which the server is told to cap at
# 16 MiB (quarantine_size_mb). Memory that a closed session fails to give
# back, or that a session grows without bound, passes that within one run
# (thousands of sessions, tens of thousands of requests). Small leaks are
# LeakSanitizer's job: the server is stopped at the end and must exit 0.
RSS_BOUND_KIB = 32 * 1024


class Failure(Exception):
    pass


class Stats:
    def __init__(self):
        self.counts = {}
        self.failures = []

    def count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def fail(self, what):
        if len(self.failures) < 50:
            self.failures.append(what)


# ---- The server -------------------------------------------------------------

def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_figures(pid):
    """(VmRSS in KiB, open descriptors) of @pid, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return rss, fds
    except (OSError, StopIteration):
        return None


# ---- Connections over each transport ------------------------------------------

LINES_SENT = [0]


class Connection:
    """One line-oriented connection: write lines, read reply lines."""

    def __init__(self, reader, writer, cleanup=None):
        self.reader = reader
        self.writer = writer
        self.cleanup = cleanup

    async def send(self, data):
        LINES_SENT[0] += data.count(b"\n")
        self.writer.write(data)
        await self.writer.drain()

    async def reply(self):
        line = await asyncio.wait_for(self.reader.readline(), REPLY_TIMEOUT)
        if not line.endswith(b"\n"):
            raise Failure("connection closed by the server before its reply")
        return line[:-1]

    async def ask(self, line):
        await self.send(line + b"\n")
        return await self.reply()

    async def close(self):
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError, NotImplementedError):  # a FIFO writer has no close waiter
            pass
        if self.cleanup:
            self.cleanup()


async def fifo_open(request_fifo):
    """The client half of the two-FIFO handshake of docs/transports.md."""
    loop = asyncio.get_running_loop()
    parent = os.path.dirname(request_fifo)
    base = os.path.basename(request_fifo)
    for _ in range(100):
        name = base + "." + "".join(random.choices(string.ascii_letters + string.digits, k=6))
        directory = os.path.join(parent, name)
        try:
            os.mkdir(directory, 0o700)
            break
        except FileExistsError:
            continue
    c2s = os.path.join(directory, "c2s")
    s2c = os.path.join(directory, "s2c")
    os.mkfifo(c2s, 0o600)
    os.mkfifo(s2c, 0o600)
    fds = []
    try:
        s2c_r = os.open(s2c, os.O_RDONLY | os.O_NONBLOCK)
        fds.append(s2c_r)
        hold = os.open(c2s, os.O_RDONLY | os.O_NONBLOCK)
        c2s_w = os.open(c2s, os.O_WRONLY | os.O_NONBLOCK)
        fds.append(c2s_w)
        request = os.open(request_fifo, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(request, f"HELLO {directory}\n".encode())
        finally:
            os.close(request)
        os.close(hold)
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            try:
                os.close(os.open(c2s, os.O_WRONLY | os.O_NONBLOCK))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure("the fifo server never opened our FIFOs")
                await asyncio.sleep(0.005)
    except BaseException:
        for fd in fds:
            os.close(fd)
        shutil.rmtree(directory, ignore_errors=True)
        raise
    shutil.rmtree(directory, ignore_errors=True)

    reader = asyncio.StreamReader(limit=1 << 22)
    read_transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                 os.fdopen(s2c_r, "rb", buffering=0))
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                       os.fdopen(c2s_w, "wb", buffering=0))
    writer = asyncio.StreamWriter(transport, protocol, reader, loop)
    return Connection(reader, writer, cleanup=read_transport.close)


async def connect(addresses, transport):
    if transport == "unix":
        r, w = await asyncio.open_unix_connection(addresses["unix"], limit=1 << 22)
    elif transport == "tcp":
        host, port = addresses["tcp"]
        r, w = await asyncio.open_connection(host, port, limit=1 << 22)
    else:
        return await fifo_open(addresses["fifo"])
    return Connection(r, w)


# ---- Requests ----------------------------------------------------------------

def rpc(id_, method, params=None):
    message = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message, separators=(",", ":")).encode()


def expect_error(reply, code, what):
    try:
        response = json.loads(reply)
    except ValueError:
        raise Failure(f"{what}: not JSON: {reply[:200]!r}")
    if not isinstance(response, dict) or response.get("error", {}).get("code") != code:
        raise Failure(f"{what}: expected error {code}, got {reply[:200]!r}")
    return response


def expect_value(reply, expected, what):
    try:
        got = float(reply)
    except ValueError:
        raise Failure(f"{what}: expected {expected}, got {reply[:200]!r}")
    if got != expected:
        raise Failure(f"{what}: expected {expected}, got {reply[:200]!r}")


def random_sum():
    a, b, c = (random.randint(-1000, 1000) for _ in range(3))
    return f"{a}+{b}*{c}", a + b * c


class Session:
    """One client's conversation on one connection, checking every answer."""

    def __init__(self, conn, stats, client_id):
        self.conn = conn
        self.stats = stats
        self.client_id = client_id
        self.next_id = 1
        self.vars = {}

    def new_id(self):
        self.next_id += 1
        return self.next_id

    async def json_eval(self, expr):
        id_ = self.new_id()
        response = json.loads(await self.conn.ask(rpc(id_, "eval", {"expr": expr})))
        if response.get("id") != id_:
            raise Failure(f"eval {expr}: reply for id {response.get('id')}, sent {id_}")
        return response

    # valid
    async def plain_sum(self):
        expr, value = random_sum()
        expect_value(await self.conn.ask(expr.encode()), value, f"plain {expr}")
        self.stats.count("valid: plain a+b*c")

    async def json_sum(self):
        expr, value = random_sum()
        response = await self.json_eval(expr)
        if response.get("result", {}).get("values") != [value]:
            raise Failure(f"eval {expr}: expected [{value}], got {response}")
        self.stats.count("valid: json eval a+b*c")

    async def variables(self):
        name = f"v{self.client_id}_{random.randint(0, 20)}"
        value = random.randint(-10**6, 10**6)
        expect_value(await self.conn.ask(f"{name} = {value}".encode()), value, f"set {name}")
        self.vars[name] = value
        name, value = random.choice(list(self.vars.items()))
        response = await self.json_eval(f"{name} * 2 + 1")
        if response.get("result", {}).get("values") != [value * 2 + 1]:
            raise Failure(f"{name} * 2 + 1 with {name} = {value}: got {response}")
        self.stats.count("valid: variable set then read")

    async def batch(self, n=20):
        calls, expected = [], {}
        for _ in range(n):
            expr, value = random_sum()
            id_ = self.new_id()
            calls.append({"jsonrpc": "2.0", "id": id_, "method": "eval", "params": {"expr": expr}})
            expected[id_] = value
        calls.append({"jsonrpc": "2.0", "method": "eval", "params": {"expr": "1"}})  # a notification
        reply = json.loads(await self.conn.ask(json.dumps(calls).encode()))
        if not isinstance(reply, list) or len(reply) != n:
            raise Failure(f"batch of {n}: got {str(reply)[:200]}")
        for response in reply:
            if response.get("result", {}).get("values") != [expected.pop(response.get("id"), None)]:
                raise Failure(f"batch: wrong answer {response}")
        self.stats.count("valid: batch of 20 evals + 1 notification")

    async def ping(self):
        id_ = self.new_id()
        response = json.loads(await self.conn.ask(rpc(id_, "ping")))
        if response.get("id") != id_ or "result" not in response:
            raise Failure(f"ping: got {response}")
        self.stats.count("valid: ping")

    # invalid
    async def bad_json(self):
        response = expect_error(await self.conn.ask(b'{"jsonrpc":"2.0","id":1,"method":'), -32700, "bad JSON")
        if response.get("id") is not None:
            raise Failure(f"bad JSON: id should be null: {response}")
        self.stats.count("invalid: bad JSON (-32700)")

    async def unknown_method(self):
        expect_error(await self.conn.ask(rpc(self.new_id(), "no-such-method")), -32601, "unknown method")
        self.stats.count("invalid: unknown method (-32601)")

    async def syntax_error(self):
        reply = await self.conn.ask(b"1+*2")
        if not reply.startswith(b"error: "):
            raise Failure(f"plain syntax error: got {reply!r}")
        response = await self.json_eval("(1+")
        if response.get("error", {}).get("code") != 1000:
            raise Failure(f"JSON syntax error: got {response}")
        self.stats.count("invalid: syntax errors (plain, 1000)")

    async def bad_params(self):
        expect_error(await self.conn.ask(rpc(self.new_id(), "eval", {"nope": 1})), -32602, "bad params")
        expect_error(await self.conn.ask(b'{"jsonrpc":"1.0","id":3,"method":"ping"}'), -32600, "bad version")
        self.stats.count("invalid: bad params (-32602), bad version (-32600)")

    # hostile, on a connection that must stay usable
    async def overlong(self):
        if random.random() < 0.5:
            reply = await self.conn.ask(b"1" * (MAX_LINE + 10))
            if not reply.startswith(b"error: "):
                raise Failure(f"overlong plain line: got {reply[:200]!r}")
        else:
            line = b'{"jsonrpc":"2.0","id":1,"method":"eval","params":{"expr":"' + b"1" * (MAX_LINE + 10) + b'"}}'
            expect_error(await self.conn.ask(line), 1001, "overlong JSON line")
        self.stats.count("hostile: line over the limit (1001)")

    async def deep_json(self):
        expect_error(await self.conn.ask(b"[" * 5000 + b"]" * 5000), -32700, "deep JSON")
        self.stats.count("hostile: JSON nested 5000 deep (-32700)")

    async def bad_bytes(self):
        reply = await self.conn.ask(b"1+\xff\xfe")
        if reply != b"error: the request is not valid UTF-8":
            raise Failure(f"bad UTF-8: got {reply!r}")
        expect_error(await self.conn.ask(b'{"jsonrpc":"2.0","id":1,"method":"eval\xc3"}'), -32700, "bad UTF-8 in JSON")
        reply = await self.conn.ask(b"1\x002")
        if not reply.startswith(b"error: "):
            raise Failure(f"NUL byte: got {reply!r}")
        self.stats.count("hostile: bad UTF-8 and NUL bytes")

    async def big_batch(self):
        # 600 calls in one line of ~50 KiB. The server may answer them all
        # or refuse the batch with one error; either way the connection
        # goes on.
        n = 600
        calls = [{"jsonrpc": "2.0", "id": i, "method": "eval", "params": {"expr": f"{i}*2"}} for i in range(n)]
        reply = json.loads(await self.conn.ask(json.dumps(calls, separators=(",", ":")).encode()))
        if isinstance(reply, list):
            if len(reply) != n or any(r.get("result", {}).get("values") != [r.get("id") * 2] for r in reply):
                raise Failure(f"big batch: wrong answers {str(reply)[:200]}")
        elif not isinstance(reply, dict) or "error" not in reply:
            raise Failure(f"big batch: got {str(reply)[:200]}")
        self.stats.count("hostile: batch of 600 calls")

    async def run(self, deadline, n_requests):
        valid = [self.plain_sum, self.json_sum, self.variables, self.batch, self.ping]
        invalid = [self.bad_json, self.unknown_method, self.syntax_error, self.bad_params]
        hostile = [self.overlong, self.deep_json, self.bad_bytes, self.big_batch]
        for _ in range(n_requests):
            if time.monotonic() > deadline:
                break
            r = random.random()
            kind = random.choice(valid if r < 0.7 else invalid if r < 0.9 else hostile)
            await kind()
        # Whatever came before, the connection still answers right.
        await self.plain_sum()


async def hostile_connection(addresses, transport, stats):
    """A connection that misbehaves and goes away."""
    what = random.choice(["drop", "half line", "flood", "slow"])
    conn = await connect(addresses, transport)
    try:
        if what == "slow":
            # A slow writer, a byte every 20 ms, is still served right.
            for byte in b"6*7\n":
                await conn.send(bytes([byte]))
                await asyncio.sleep(0.02)
            expect_value(await conn.reply(), 42, "slow writer")
        elif what == "half line":
            await conn.send(b'{"jsonrpc":"2.0","id":1,"method":"ev')
        elif what == "flood":
            # Requests never read: the server stops reading at its output
            # limit and must still let go of us.
            try:
                conn.writer.write(b"1+1\n" * 50000)
                await asyncio.wait_for(conn.writer.drain(), 2)
            except (asyncio.TimeoutError, ConnectionError, OSError):
                pass
    finally:
        conn.writer.transport.abort()
        if conn.cleanup:
            conn.cleanup()
    stats.count({"drop": "hostile: connect and drop",
                 "half line": "hostile: half a line, then disconnect",
                 "flood": "hostile: 200 KB of requests never read",
                 "slow": "hostile: a byte every 20 ms (answer checked)"}[what])


async def client(client_id, addresses, stats, deadline):
    transport = TRANSPORTS[client_id % len(TRANSPORTS)]
    while time.monotonic() < deadline:
        try:
            if random.random() < 0.2:
                await hostile_connection(addresses, transport, stats)
                continue
            conn = await connect(addresses, transport)
            try:
                await Session(conn, stats, client_id).run(deadline, random.randint(1, 60))
                stats.count(f"connections over {transport}")
            finally:
                await conn.close()
        except Failure as e:
            stats.fail(f"client {client_id} ({transport}): {e}")
            await asyncio.sleep(0.1)
        except (ConnectionError, OSError, asyncio.TimeoutError, ValueError) as e:
            stats.fail(f"client {client_id} ({transport}): {type(e).__name__}: {e}")
            await asyncio.sleep(0.1)


async def sample(pid, samples, stop):
    while not stop.is_set():
        figures = proc_figures(pid)
        if figures:
            samples.append((time.monotonic(), *figures))
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


async def wait_ready(addresses, server, timeout=30):
    end = time.monotonic() + timeout
    for transport in TRANSPORTS:
        while True:
            if server.returncode is not None:
                raise Failure(f"pipecalcd exited with status {server.returncode} at start")
            try:
                conn = await connect(addresses, transport)
                reply = await conn.ask(b"1+1")
                await conn.close()
                if reply == b"2":
                    break
            except (OSError, Failure, asyncio.TimeoutError):
                pass
            if time.monotonic() > end:
                raise Failure(f"pipecalcd does not answer on {transport}")
            await asyncio.sleep(0.1)


async def main_async(args):
    stats = Stats()
    tmp = tempfile.mkdtemp(prefix="pipecalc-soak-")
    os.chmod(tmp, 0o700)
    addresses = {
        "unix": os.path.join(tmp, "socket"),
        "tcp": ("127.0.0.1", free_tcp_port()),
        "fifo": os.path.join(tmp, "fifo"),
    }
    env = dict(os.environ)
    env["XDG_RUNTIME_DIR"] = tmp
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":quarantine_size_mb=16"
    command = [args.pipecalcd,
               "--listen", "unix:" + addresses["unix"],
               "--listen", "tcp://%s:%d" % addresses["tcp"],
               "--listen", "fifo:" + addresses["fifo"],
               "--max-clients", "512"]
    server = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                  stderr=open(os.path.join(tmp, "server.log"), "wb"))
    samples = []
    stop = asyncio.Event()
    status = 0
    try:
        await wait_ready(addresses, server)
        await asyncio.sleep(0.5)
        before = proc_figures(server.pid)
        sampler = asyncio.create_task(sample(server.pid, samples, stop))
        start = time.monotonic()
        deadline = start + args.seconds
        warmup = start + max(5.0, args.seconds * 0.2)
        clients = [asyncio.create_task(client(i, addresses, stats, deadline)) for i in range(args.clients)]
        await asyncio.gather(*clients)
        elapsed = time.monotonic() - start
        # Let the server close what the clients left.
        after = None
        for _ in range(40):
            await asyncio.sleep(0.25)
            after = proc_figures(server.pid)
            if after and after[1] <= before[1]:
                break
        stop.set()
        await sampler
    finally:
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(server.wait(), 60)
        except asyncio.TimeoutError:
            server.kill()
            code = await server.wait()
            stats.fail("pipecalcd did not stop within 60 s of SIGTERM")

    warm = [s for s in samples if s[0] >= warmup] or samples
    warm_rss, warm_fds = warm[0][1], warm[0][2]
    peak_rss = max(s[1] for s in samples)
    peak_fds = max(s[2] for s in samples)
    total = sum(v for k, v in stats.counts.items() if not k.startswith("connections"))

    print(f"soak: {args.clients} clients over {', '.join(TRANSPORTS)} for {elapsed:.0f} s")
    for kind in sorted(stats.counts):
        print(f"  {stats.counts[kind]:8d}  {kind}")
    print(f"  {total:8d}  checks in all ({total / elapsed:.0f}/s), {LINES_SENT[0]} request lines")
    print(f"server RSS (KiB): before {before[0]}, after warm-up {warm_rss}, peak {peak_rss}, "
          f"end {after[0]} (bound: warm-up + {RSS_BOUND_KIB})")
    print(f"server fds: before {before[1]}, after warm-up {warm_fds}, peak {peak_fds}, end {after[1]}")
    print(f"server exit status: {code}")

    if after[0] > warm_rss + RSS_BOUND_KIB:
        stats.fail(f"RSS grew from {warm_rss} KiB after warm-up to {after[0]} KiB")
    if after[1] != before[1]:
        stats.fail(f"the server holds {after[1]} descriptors after the clients left, {before[1]} before")
    if code != 0:
        stats.fail(f"pipecalcd exited with status {code} (66: a sanitizer report)")
    for kind in ("valid: plain a+b*c", "invalid: bad JSON (-32700)", "hostile: connect and drop"):
        if stats.counts.get(kind, 0) == 0:
            stats.fail(f"no request of kind “{kind}” was made: the run was too short")
    if stats.failures:
        status = 1
        print("FAILED:")
        for f in stats.failures:
            print("  " + f)
        with open(os.path.join(tmp, "server.log"), "rb") as f:
            log = f.read()
        if log:
            print("server log (end):")
            print(log[-4000:].decode(errors="replace"))
    shutil.rmtree(tmp, ignore_errors=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--pipecalcd", default=os.environ.get("PIPECALCD", "pipecalcd"))
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    print(f"soak: random seed {seed} (--seed to repeat)")
    try:
        return asyncio.run(main_async(args))
    except Failure as e:
        print(f"FAILED: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
