"""PEP 517 build backend of the pre-commit shim (the repository's root pyproject.toml).

It builds one wheel without code: its metadata requires ``portalint==<version>``, the version
read from Cargo.toml next to it, so pre-commit's ``pip install .`` of this repository installs
the released portalint wheel (the binary) and nothing is compiled. Standard library only, so
pip needs nothing from an index to build it (an offline install with ``--find-links`` works).
"""

import base64
import hashlib
import os
import re
import zipfile

NAME = "portalint_pre_commit"
HERE = os.path.dirname(os.path.abspath(__file__))
CARGO_TOML = os.path.join(HERE, "..", "..", "Cargo.toml")


def version():
    """The `version` of Cargo.toml's [package] table."""
    with open(CARGO_TOML, encoding="utf-8") as f:
        text = f.read()
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    found = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
    if not found:
        raise RuntimeError(f"no [package] version in {CARGO_TOML}")
    return found.group(1)


def _metadata(v):
    return (
        "Metadata-Version: 2.1\n"
        "Name: portalint-pre-commit\n"
        f"Version: {v}\n"
        "Summary: pre-commit hook environment for portalint (depends on the portalint wheel)\n"
        f"Requires-Dist: portalint=={v}\n"
    )


_WHEEL = "Wheel-Version: 1.0\nGenerator: portalint_shim\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    v = version()
    dist_info = f"{NAME}-{v}.dist-info"
    files = {
        f"{dist_info}/METADATA": _metadata(v).encode(),
        f"{dist_info}/WHEEL": _WHEEL.encode(),
    }
    record = "".join(_record_line(p, d) for p, d in files.items()) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record.encode()
    name = f"{NAME}-{v}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            z.writestr(path, data)
    return name


def get_requires_for_build_wheel(config_settings=None):
    return []
