"""A whole local deployment: the embedded broker plus worker processes.

`demo`, the end-to-end tests and the benchmark all start the service through
this class, so they exercise exactly what a user runs.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from stream.broker import EmbeddedBroker, free_port
from stream.kafka import ensure_topics
from stream.lifeline import die_with_parent
from stream.settings import Settings


class StackError(RuntimeError):
    """A worker died or did not get ready in time."""


class TcpProxy:
    """A loopback TCP relay in front of the broker, so a test can make the broker vanish from the network.

    `cut()` resets every open connection and refuses new ones (what clients see when a broker host
    goes away) while the broker itself keeps running with its in-memory data; `restore()` listens again.
    """

    def __init__(self, upstream_port: int, port: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.port = port or free_port()
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "TcpProxy":
        self._listen()
        self._stop.clear()
        self._thread = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._thread.start()
        return self

    def _listen(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        sock.settimeout(0.2)
        with self._lock:
            self._listener = sock

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=2.0)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        for s in (a, b):
            s.settimeout(5.0)
            sel.register(s, selectors.EVENT_READ)
        try:
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=0.2):
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = src.recv(65536)
                    if not data:
                        return
                    (b if src is a else a).sendall(data)
        except OSError:
            return
        finally:
            sel.close()
            self._close(a, b)

    def _close(self, *socks: socket.socket) -> None:
        for s in socks:
            with self._lock:
                self._conns.discard(s)
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()  # linger 0: the peer gets a reset, as when a host disappears
            except OSError:
                pass

    def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            conns = list(self._conns)
        if listener is not None:
            listener.close()
        self._close(*conns)

    def restore(self) -> None:
        self._listen()

    def stop(self) -> None:
        self._stop.set()
        self.cut()
        if self._thread is not None:
            self._thread.join(2.0)


@dataclass
class Worker:
    index: int
    web_port: int
    log_path: Path
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def get(self, path: str, timeout: float = 5.0) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
            return orjson.loads(resp.read())

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class LocalStack:
    """Broker + workers on loopback, with every setting passed through the environment."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="stream-")))
    web_port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    broker: EmbeddedBroker | None = None
    workers: list[Worker] = field(default_factory=list)
    #: Route every client through a `TcpProxy` (fault tests cut it to make the broker vanish).
    proxied: bool = False
    proxy: TcpProxy | None = None

    def start(self, workers: int = 1, ready_timeout: float = 120.0) -> "LocalStack":
        broker_port = free_port()
        if self.proxied:
            self.proxy = TcpProxy(broker_port).start()
        self.broker = EmbeddedBroker(port=broker_port, log_path=self.workdir / "tansu.log",
                                     advertised_port=self.proxy.port if self.proxy else None).start()
        ensure_topics(self.settings())
        for _ in range(workers):
            self.start_worker()
        self.wait_ready(ready_timeout)
        return self

    def env(self) -> dict[str, str]:
        assert self.broker is not None, "start() first"
        names = Settings.env_names()
        return {**os.environ, names["bootstrap_servers"]: self.broker.bootstrap,
                names["embedded_broker"]: "1", **self.extra_env}

    def settings(self) -> Settings:
        return Settings.from_env(self.env())

    def start_worker(self) -> Worker:
        index = len(self.workers)
        port = self.web_port + index if self.web_port else free_port()
        names = Settings.env_names()
        env = {**self.env(), names["web_port"]: str(port),
               names["data_dir"]: str(self.workdir / f"worker-{index}")}
        log_path = self.workdir / f"worker-{index}.log"
        with log_path.open("ab") as log:
            # SIGKILL when the parent dies: the stack's broker dies with it, so a graceful stop would have
            # nothing to commit to; the worker's extraction process follows its worker (executor.py).
            proc = subprocess.Popen([sys.executable, "-m", "stream", "worker"], env=env, cwd=self.workdir,
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    preexec_fn=die_with_parent())
        worker = Worker(index, port, log_path, proc)
        self.workers.append(worker)
        return worker

    def wait_ready(self, timeout: float = 120.0, workers: list[Worker] | None = None) -> None:
        """Ready: each worker's (default: every one's) web server answers and its model is loaded."""
        deadline = time.monotonic() + timeout
        for worker in self.workers if workers is None else workers:
            while True:
                if not worker.alive():
                    raise StackError(f"worker {worker.index} exited ({worker.proc.returncode}):\n{worker.log_tail()}")
                try:
                    if worker.get("/api/stats").get("extractor"):
                        break
                except (urllib.error.URLError, OSError, ValueError):
                    pass
                if time.monotonic() > deadline:
                    raise StackError(f"worker {worker.index} not ready after {timeout:.0f}s:\n{worker.log_tail()}")
                time.sleep(0.25)

    def stats(self) -> list[dict[str, Any]]:
        return [w.get("/api/stats") for w in self.workers if w.alive()]

    def wait_accounted(self, expected: int, timeout: float = 120.0) -> int:
        """Wait until the live workers together have taken in `expected` articles."""
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            try:
                seen = sum(s["articles_in"] for s in self.stats())
            except (urllib.error.URLError, OSError):
                seen = 0
            if seen >= expected:
                return seen
            time.sleep(0.25)
        raise StackError(f"only {seen} of {expected} articles accounted for after {timeout:.0f}s")

    def stop_worker(self, worker: Worker, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if worker.alive():
            worker.proc.send_signal(sig)
            try:
                worker.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
        return worker.proc.returncode

    def stop(self) -> None:
        for worker in self.workers:
            self.stop_worker(worker)
        if self.broker is not None:
            self.broker.stop()
        if self.proxy is not None:
            self.proxy.stop()

    def __enter__(self) -> "LocalStack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

