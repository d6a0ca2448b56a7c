"""Fault-injection infrastructure for the database and the network in front of it.

`PostgresServer` is a PostgreSQL cluster the tests own, so that restarting, crashing or
stopping it touches nothing else (the machine's shared server on 5432 stays up).
`FreezeProxy` sits between the system and a server and can freeze, as a dead switch or a
lost route does: connections stay open and hang instead of failing, which is the fault
that timeouts, not error handling, must survive.
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from tests.integration.stack import free_port, wait_until

# The relay thread's select() timeout; a safety net, as calls wake it at once.
TICK = 0.05
# Bytes held per direction before the proxy stops reading, as a full TCP window would.
BUFFER_CAP = 1 << 20
# Linger on, for zero seconds: close() sends RST instead of FIN.
ABORT = struct.pack("ii", 1, 0)

# A change for the relay thread to make, and the event it sets once made.
_Call = tuple[Callable[[], None], threading.Event]


def postgres_bindir() -> Path:
    """Where initdb and pg_ctl are: pg_config's answer, else Debian's newest version."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if done.returncode == 0:
            candidates.append(Path(done.stdout.strip()))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda bindir: [int(part) for part in bindir.parent.name.split(".") if part.isdigit()],
        reverse=True,
    )
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    looked = ", ".join(str(bindir) for bindir in candidates) or "nowhere (no pg_config on PATH)"
    raise RuntimeError(f"PostgreSQL's initdb and pg_ctl not found; looked in {looked}")


def _works_in(proc: Path, directory: Path) -> bool:
    try:
        return (proc / "cwd").readlink() == directory
    except OSError:  # gone, a zombie, or a kernel thread
        return False


class PostgresServer:
    """A private PostgreSQL cluster on a spare port: restart it, crash it, stop it.

    The cluster lives in its own directory under /tmp, not in `base_dir`: run as root,
    the server runs as the `postgres` user, who cannot reach into pytest's 0700
    directories. Its log is copied into `base_dir` when the cluster is destroyed.
    """

    def __init__(self, base_dir: Path) -> None:
        self.bindir = postgres_bindir()
        self.base_dir = base_dir
        self._port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pg-faults-")).resolve()
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        # initdb and postgres refuse to run as root.
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(self.root, user="postgres")

    @property
    def port(self) -> int:
        return self._port

    @property
    def admin_conninfo(self) -> str:
        return f"host=127.0.0.1 port={self._port} user=postgres dbname=postgres"

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self._port}/{dbname}"

    def init(self) -> None:
        """A fresh cluster: trust auth, no fsync (durability is not under test here)."""
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", "postgres", "--auth=trust"),
            *("--no-sync", "-E", "UTF8", "--no-locale"),
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# tests.faults.postgres\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self._port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\n"
                "max_connections = 200\n"
                "shared_buffers = 32MB\n"
            )

    def start(self) -> None:
        """Start the server (after a crash this is where recovery runs) and wait for it."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")
        wait_until(self._answers, 30, f"the private PostgreSQL on {self._port}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run(
            "pg_ctl",
            *("-D", str(self.data), "-m", mode, "-w", "-t", "30"),
            *("restart", "-l", str(self.log)),
        )
        wait_until(self._answers, 30, f"the private PostgreSQL on {self._port}")

    def crash(self) -> None:
        """SIGKILL the postmaster, as a lost machine would: no checkpoint, no goodbyes.

        Orphaned backends exit on their own once they notice; any still there after 5 s
        are killed, since a start refuses to run while they hold the old shared memory.
        The next `start()` runs crash recovery.
        """
        pid_file = self.data / "postmaster.pid"
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: not self._processes(), 5, "the orphaned backends to exit")
        for leftover in self._processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(leftover, signal.SIGKILL)
        wait_until(lambda: not self._processes(), 5, "the crashed cluster's processes to exit")
        # Nothing of the cluster runs, but the dead postmaster may stay an unreaped zombie
        # (a container's init reaps late, or never), and a new postmaster takes a lock
        # file naming a zombie for a live server's and refuses to start.
        for lock in (pid_file, self.root / f".s.PGSQL.{self._port}.lock"):
            lock.unlink(missing_ok=True)

    def destroy(self) -> None:
        """Stop the server if it runs, keep its log in `base_dir`, remove the cluster."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        if self.log.exists():
            shutil.copyfile(self.log, self.base_dir / f"postgres-{self._port}.log")
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.admin_conninfo, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as_postgres, str(self.bindir / tool), *args],
            cwd=self.root,  # somewhere the postgres user may be
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stderr}{done.stdout}"
            )

    def _answers(self) -> bool:
        try:
            with psycopg.connect(self.admin_conninfo, connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def _processes(self) -> list[int]:
        """This cluster's live processes: every PostgreSQL process works in its data dir."""
        return [
            int(proc.name)
            for proc in Path("/proc").iterdir()
            if proc.name.isdigit() and _works_in(proc, self.data)
        ]


class _Flow:
    """One direction of a relayed connection: what `src` sent that `dst` has not taken."""

    def __init__(self, src: socket.socket, dst: socket.socket) -> None:
        self.src = src
        self.dst = dst
        self.buffer = bytearray()
        self.ended = False  # src sent EOF...
        self.shut = False  # ...and dst has been told (SHUT_WR), once the buffer drained


class _Link:
    """A client connection and the upstream connection the proxy opened for it."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.sockets = (client, upstream)
        self.flows = (_Flow(client, upstream), _Flow(upstream, client))
        self.closed = False

    def interest(self, sock: socket.socket) -> int:
        events = 0
        for flow in self.flows:
            if flow.src is sock and not flow.ended and len(flow.buffer) < BUFFER_CAP:
                events |= selectors.EVENT_READ
            if flow.dst is sock and flow.buffer:
                events |= selectors.EVENT_WRITE
        return events

    def pump(self, sock: socket.socket, mask: int) -> None:
        """Move what `sock` is ready for; an OSError means the connection is broken."""
        for flow in self.flows:
            with contextlib.suppress(BlockingIOError):
                if mask & selectors.EVENT_READ and flow.src is sock:
                    data = sock.recv(65536)
                    flow.buffer += data
                    flow.ended = not data
                if mask & selectors.EVENT_WRITE and flow.dst is sock:
                    del flow.buffer[: sock.send(flow.buffer)]
            if flow.ended and not flow.buffer and not flow.shut:
                flow.dst.shutdown(socket.SHUT_WR)
                flow.shut = True

    @property
    def finished(self) -> bool:
        return all(flow.shut for flow in self.flows)


class FreezeProxy:
    """A TCP proxy in front of a server that can freeze: every connection stays open but
    nothing is forwarded, so clients hang as they do behind a dead switch or a lost route.

    One relay thread moves the bytes; freeze, thaw and reset run on that thread between
    two rounds and return once applied, so no byte moves after `freeze()` returns.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self._port), backlog=128)
        self._listener.setblocking(False)
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._awake = selectors.DefaultSelector()
        self._awake.register(self._listener, selectors.EVENT_READ)
        self._awake.register(self._wake_r, selectors.EVENT_READ)
        # Frozen, the thread watches only for calls: readable sockets must not spin it.
        self._asleep = selectors.DefaultSelector()
        self._asleep.register(self._wake_r, selectors.EVENT_READ)
        self._calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self._links: set[_Link] = set()
        self._frozen = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._relay, name=f"freeze-proxy-{self._port}", daemon=True
        )
        self._thread.start()

    def freeze(self) -> None:
        """From now on nothing is accepted, read or written; data waits in kernel buffers."""
        self._call(lambda: setattr(self, "_frozen", True))

    def thaw(self) -> None:
        """Relay again: what waited in the buffers flows on."""
        self._call(lambda: setattr(self, "_frozen", False))

    def reset(self) -> None:
        """Abort every connection with RST on both sides, as a firewall that dropped its
        state or a restarted NAT does; new connections are relayed as before."""
        self._call(self._reset)

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._call(lambda: setattr(self, "_stopping", True))
            self._thread.join(5)
        for closable in (self._awake, self._asleep, self._listener, self._wake_r, self._wake_w):
            closable.close()

    def _call(self, change: Callable[[], None]) -> None:
        done = threading.Event()
        self._calls.put((change, done))
        self._wake_w.send(b"\0")
        if not done.wait(5):
            raise TimeoutError(f"the relay thread of the proxy on {self._port} did not answer")

    def _relay(self) -> None:
        while not self._stopping:
            events = (self._asleep if self._frozen else self._awake).select(TICK)
            self._run_calls()  # first: a freeze applies to the events already in hand
            if self._frozen or self._stopping:
                continue
            for key, mask in events:
                if key.fileobj is self._listener:
                    self._accept()
                # A link may have been closed by an earlier event of this round.
                elif (
                    isinstance(key.data, _Link)
                    and isinstance(key.fileobj, socket.socket)
                    and not key.data.closed
                ):
                    self._pump(key.data, key.fileobj, mask)
        for link in list(self._links):
            self._drop(link)

    def _run_calls(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_r.recv(4096):
                pass
        while not self._calls.empty():
            change, done = self._calls.get()
            change()
            done.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except BlockingIOError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=1)
            except OSError:
                _abort(client)  # the server refused: so does the proxy
                continue
            link = _Link(client, upstream)
            for sock in link.sockets:
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._links.add(link)
            self._watch(link)

    def _pump(self, link: _Link, sock: socket.socket, mask: int) -> None:
        try:
            link.pump(sock, mask)
        except OSError:
            self._drop(link, abort=True)  # one side broke: the other sees a reset too
            return
        if link.finished:
            self._drop(link)
        else:
            self._watch(link)

    def _watch(self, link: _Link) -> None:
        """Register each socket of `link` for what it is ready to do, or not at all."""
        for sock in link.sockets:
            events = link.interest(sock)
            key = self._awake.get_map().get(sock)
            if key is None and events:
                self._awake.register(sock, events, link)
            elif key is not None and not events:
                self._awake.unregister(sock)
            elif key is not None and key.events != events:
                self._awake.modify(sock, events, link)

    def _drop(self, link: _Link, abort: bool = False) -> None:
        link.closed = True
        self._links.discard(link)
        for sock in link.sockets:
            if sock in self._awake.get_map():
                self._awake.unregister(sock)
            if abort:
                _abort(sock)
            else:
                sock.close()

    def _reset(self) -> None:
        for link in list(self._links):
            self._drop(link, abort=True)
        while True:  # and the connections still waiting in the backlog
            try:
                client, _ = self._listener.accept()
            except BlockingIOError:
                return
            _abort(client)


def _abort(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ABORT)
    sock.close()
