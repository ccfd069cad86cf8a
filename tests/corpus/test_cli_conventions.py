"""One CLI: --version, `python -m aidcorpus`, the same --format choices on listing commands."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from corpus.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"aidcorpus {version('aidcorpus')}"


@pytest.mark.parametrize("module", ["aidcorpus", "corpus"])
def test_python_dash_m(module: str) -> None:
    proc = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.startswith("aidcorpus ")
    proc = subprocess.run([sys.executable, "-m", module, "search", "--help"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0 and "example:" in proc.stdout
