"""A throwaway PostgreSQL cluster for the store tests: initdb and pg_ctl as the postgres user, on a free
loopback port, in a temporary directory removed at the end."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

MISSING = "PostgreSQL binaries not found; install Debian postgresql"


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self.run_as, *cmd], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop")

    def psql(self, database: str, sql: str) -> None:
        self._run(str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql)


def find_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> list[str]:
    """PostgreSQL refuses to run as root: under root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def start(bin_dir: Path) -> tuple[Cluster, Path]:
    root = Path(tempfile.mkdtemp(prefix="fairchance-pg-"))
    run_as = _run_as()
    if run_as:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(bin_dir, root / "data", _free_port(), run_as)
    cluster._run(str(bin_dir / "initdb"), "-D", str(cluster.data_dir), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--no-sync")
    options = f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {root} -c fsync=off -c max_connections=50"
    cluster._run(str(bin_dir / "pg_ctl"), "-D", str(cluster.data_dir), "-o", options, "-l", str(root / "log"),
                 "-w", "-t", "60", "start")
    return cluster, root
