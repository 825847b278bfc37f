"""deploy/Dockerfile and .dockerignore agree with the package (no Docker needed).

The Dockerfile is parsed here (continuations, JSON forms, ARG defaults); each test
checks one promise of the image against the code: the entry point is a command the
package provides, the model it bakes in is the one the settings load, the health
check really fails on a sick worker, the build context holds what COPY needs.
"""

from __future__ import annotations

import fnmatch
import http.server
import json
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from stream.cli import COMMANDS, build_parser
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

#: Variables the image may set that are not app settings (Python's and pip's own).
NON_SETTING_ENV = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PIP_DISABLE_PIP_VERSION_CHECK"}


@dataclass
class Instruction:
    cmd: str
    args: str

    def json(self) -> list[str]:
        value = json.loads(self.args)
        assert isinstance(value, list) and all(isinstance(v, str) for v in value), self
        return value


def parse_dockerfile(text: str) -> list[list[Instruction]]:
    """Stages of instructions, with line continuations joined and ARG defaults expanded in FROM."""
    logical: list[str] = []
    buf = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped by Docker
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        logical.append(buf + stripped)
        buf = ""
    assert not buf, "dangling line continuation"
    global_args: dict[str, str] = {}
    stages: list[list[Instruction]] = []
    for line in logical:
        cmd, _, args = line.partition(" ")
        ins = Instruction(cmd.upper(), args.strip())
        if ins.cmd == "ARG" and not stages:
            name, _, default = ins.args.partition("=")
            global_args[name] = default
            continue
        if ins.cmd == "FROM":
            ins.args = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: global_args[m.group(1) or m.group(2)], ins.args)
            stages.append([])
        assert stages, f"{ins.cmd} before FROM"
        stages[-1].append(ins)
    return stages


STAGES = parse_dockerfile(DOCKERFILE.read_text())
FINAL = STAGES[-1]


def only(stage: list[Instruction], cmd: str) -> Instruction:
    found = [i for i in stage if i.cmd == cmd]
    assert len(found) == 1, f"expected one {cmd}, found {len(found)}"
    return found[0]


def env_of(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for ins in stage:
        if ins.cmd == "ENV":
            for token in shlex.split(ins.args):
                name, sep, value = token.partition("=")
                assert sep, f"use ENV NAME=value, not the legacy form: {ins.args}"
                env[name] = value
    return env


def test_multi_stage_on_a_pinned_slim_python() -> None:
    assert len(STAGES) >= 2
    for stage in STAGES:
        image = stage[0].args.split()[0]
        # An exact patch release on a named Debian, never a floating tag such as 3.11-slim.
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", image), image
    names = [s[0].args.split()[-1] for s in STAGES[:-1]]
    copies = [i.args for i in FINAL if i.cmd == "COPY"]
    assert any(f"--from={n}" in c for n in names for c in copies), "final stage copies nothing from the build"
    # The runtime stage installs nothing: no pip, no compilers, no downloads.
    assert not [i for i in FINAL if i.cmd == "RUN" and re.search(r"\b(pip|apt-get|curl|wget)\b", i.args)]


def test_python_version_satisfies_the_package() -> None:
    image = STAGES[-1][0].args.split()[0]
    version = tuple(int(x) for x in re.search(r"python:(\d+)\.(\d+)", image).groups())
    lowest = tuple(int(x) for x in re.search(r">=\s*(\d+)\.(\d+)", PYPROJECT["project"]["requires-python"]).groups())
    assert version >= lowest


def test_model_is_installed_at_build_time_and_is_the_one_the_worker_loads() -> None:
    model = Settings().model
    # The model is a regular dependency, so `pip install .` in the build stage brings it.
    deps = [re.split(r"[<>=!~ ;\[]", d, maxsplit=1)[0].lower().replace("-", "_") for d in
            PYPROJECT["project"]["dependencies"]]
    assert model in deps
    build_runs = " ".join(i.args for stage in STAGES[:-1] for i in stage if i.cmd == "RUN")
    assert re.search(r"pip install[^&]* \.(\s|$)", build_runs), "the build stage must install the package"
    assert f"spacy.load('{model}')" in build_runs, "the build should prove the model loads"
    assert "spacy download" not in DOCKERFILE.read_text()


def test_runs_as_a_numeric_non_root_user() -> None:
    user = only(FINAL, "USER").args
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) > 0, "numeric, so Kubernetes can enforce runAsNonRoot"


def test_env_names_are_settings_and_the_web_server_is_reachable() -> None:
    env = env_of(FINAL)
    settings_names = set(Settings.env_names().values())
    assert set(env) - NON_SETTING_ENV <= settings_names, set(env) - NON_SETTING_ENV - settings_names
    settings = Settings.from_env({k: v for k, v in env.items() if k in settings_names})
    assert settings.web_host == "0.0.0.0"
    assert only(FINAL, "EXPOSE").args.split("/")[0] == str(settings.web_port)
    assert env["PATH"].startswith("/opt/venv/bin:")


def test_entrypoint_is_the_console_script_and_cmd_a_real_subcommand() -> None:
    entrypoint = only(FINAL, "ENTRYPOINT").json()
    cmd = only(FINAL, "CMD").json()
    scripts = PYPROJECT["project"]["scripts"]
    assert entrypoint == ["news-event-stream"] and entrypoint[0] in scripts
    module, _, func = scripts[entrypoint[0]].partition(":")
    import importlib

    assert callable(getattr(importlib.import_module(module), func))
    assert cmd[0] in COMMANDS
    # `worker` is handed to Faust untouched (stream.cli.main); the parser must still know it.
    build_parser().parse_args(cmd[:1])


def healthcheck_argv() -> list[str]:
    ins = only(FINAL, "HEALTHCHECK")
    _, _, exec_form = ins.args.partition("CMD ")
    argv = json.loads(exec_form)
    assert argv[0] == "python", "slim images have no curl; the check must use the image's python"
    return [sys.executable, *argv[1:]]


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        type(self).paths.append(self.path)
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_worker() -> Iterator[tuple[int, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()


def run_check(port: int) -> int:
    return subprocess.run(healthcheck_argv(), env={"STREAM_WEB_PORT": str(port)}, timeout=30,
                          capture_output=True).returncode


def test_healthcheck_passes_on_healthz_200(fake_worker: tuple[int, type[_Handler]]) -> None:
    port, handler = fake_worker
    assert run_check(port) == 0
    assert handler.paths == ["/healthz"]


def test_healthcheck_fails_on_error_status(fake_worker: tuple[int, type[_Handler]]) -> None:
    port, handler = fake_worker
    handler.status = 503
    assert run_check(port) != 0


def test_healthcheck_fails_when_nothing_listens(fake_worker: tuple[int, type[_Handler]]) -> None:
    port, _ = fake_worker
    import socket

    with socket.socket() as sock:  # a port that is certainly closed
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    assert closed != port
    assert run_check(closed) != 0


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, simplified: the last matching pattern wins; a match on a parent directory counts."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        pattern = pattern.rstrip("/")
        regex = fnmatch.translate(pattern).replace(".*", "[^/]*")
        regex = regex.replace(r"[^/]*[^/]*/", "(?:.*/)?")  # '**/' spans directories
        if any(re.match(regex, c) for c in candidates):
            ignored = not negate
    return ignored


def test_build_context_holds_what_copy_needs() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    sources: list[str] = []
    for stage in STAGES:
        for ins in stage:
            if ins.cmd == "COPY" and "--from=" not in ins.args:
                sources += [a for a in ins.args.split()[:-1] if not a.startswith("--")]
    assert sources
    for source in sources:
        matches = [p.relative_to(ROOT).as_posix() for p in ROOT.glob(source.rstrip("/"))]
        if not any(ch in source for ch in "*?["):
            assert matches, f"COPY {source}: not in the repository"
        for match in matches:
            assert not dockerignored(match, patterns), f"COPY {source}: excluded by .dockerignore"
    # Every module of the package reaches the image, and bulky or private things do not.
    for module in (ROOT / "stream").rglob("*.py"):
        assert not dockerignored(module.relative_to(ROOT).as_posix(), patterns), module
    for kept_out in (".venv/bin/python", ".git/config", "tests/test_deploy_image.py", "samples/x.txt",
                     "stream/__pycache__/cli.cpython-311.pyc"):
        assert dockerignored(kept_out, patterns), kept_out


def test_dockerignore_matcher_is_not_vacuous() -> None:
    assert dockerignored("a/b.pyc", ["**/*.pyc"]) and not dockerignored("a/b.py", ["**/*.pyc"])
    assert not dockerignored("stream/x.py", ["*", "!stream/"])
    assert dockerignored("tests/x.py", ["*", "!stream/"])


def test_settings_metadata_is_what_these_tests_assume() -> None:
    # The deploy tests read env names from field metadata; fail loudly if that contract changes.
    assert all("env" in f.metadata and "secret" in f.metadata for f in fields(Settings))
