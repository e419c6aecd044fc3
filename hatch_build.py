"""Build hook: a wheel's privacy detector is compiled to C with mypyc (bench/RESULTS.md, "Speed, thirteenth pass").

The detector runs on every request a privacy policy covers, and on short texts its cost is the
interpreter's: a call, an attribute, a branch at a time. Compiled by mypyc (from the same typed
source, type-checked as it is compiled) it does the same work in ~40 % less time. Only a regular
wheel (``pip install .``, ``pip wheel .``) is compiled; an editable install (``pip install -e .``,
the README's commands) runs the source as it is, so an edit takes effect at once and a stale
compiled module never shadows it. ``FREEHOLD_PURE=1`` builds a plain wheel; a build that cannot
compile (no C compiler) warns and builds a plain wheel too: same results, slower.
``freehold.privacy.detectors.COMPILED`` says which one is running.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def modules(src: Path) -> list[str]:
    """The modules compiled, as paths under ``src``: the detector and the policy's own work on each text.

    Not ``ner.py``: it hands spaCy's objects around, and the model's time dwarfs the interpreter's.
    """
    privacy = src / "freehold" / "privacy"
    found = sorted(p for p in (privacy / "detectors").glob("*.py") if p.name != "ner.py")
    found += [privacy / name for name in ("policy.py", "pseudonymize.py", "spans.py", "walk.py")]
    return [str(p.relative_to(src)) for p in found]


# Run as ``setup.py ARGS.json C_DIR build_ext …``: mypyc's arguments (its mypy options and the modules) in a file.
_SETUP = """
import json
import sys
from setuptools import setup
from mypyc.build import mypycify

args, target = json.loads(open(sys.argv.pop(1), encoding="utf-8").read()), sys.argv.pop(1)
setup(name="freehold-compiled", ext_modules=mypycify(args, target_dir=target))
"""
_MYPY_CONFIG = """
[mypy]
# Only the build's own environment is here (hatchling, mypy): the runtime libraries are typed as Any, and
# the modules the compiled ones import are read for their types only (pydantic's models need its plugin).
ignore_missing_imports = True
follow_imports = silent
"""


class CompileDetector(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        # (Asked for editable builds too, which do not use them: hatchling does not say which build it is.)
        return [] if os.environ.get("FREEHOLD_PURE") else ["mypy>=1.15", "setuptools>=69"]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard" or os.environ.get("FREEHOLD_PURE"):
            return
        src = Path(self.root) / "src"
        out = self._out = Path(tempfile.mkdtemp(prefix="freehold-mypyc-"))
        (out / "mypy.ini").write_text(_MYPY_CONFIG, encoding="utf-8")
        (out / "setup.py").write_text(_SETUP, encoding="utf-8")
        args = ["--config-file", str(out / "mypy.ini"), "--cache-dir", str(out / "cache"), *modules(src)]
        (out / "args.json").write_text(json.dumps(args), encoding="utf-8")
        command = [sys.executable, str(out / "setup.py"), str(out / "args.json"), str(out / "c")]
        command += ["build_ext", "--build-lib", str(out / "lib"), "--build-temp", str(out / "tmp")]
        done = subprocess.run(command, cwd=src, capture_output=True, text=True)
        if done.returncode:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            self.app.display_warning(
                "freehold: the privacy detector could not be compiled with mypyc; building a plain-Python wheel "
                f"(same results, slower). mypyc said:\n{textwrap.indent(tail, '  ')}"
            )
            return
        for built in (out / "lib").rglob("*"):
            if built.name.endswith(tuple(EXTENSION_SUFFIXES)):  # (".cpython-311-x86_64-linux-gnu.so", ".pyd", …)
                build_data["force_include"][str(built)] = str(built.relative_to(out / "lib"))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
