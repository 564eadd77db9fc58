"""`make repo`: a signed apt repository of the built packages, for registers to update from.

    python packaging/repo.py --key KEYID [--gnupghome DIR] [--out dist/repo] DEB...

reprepro (Debian's) lays out ``<out>/dists/stable/…`` and ``<out>/pool/…`` and signs the
Release file with the release key KEYID (``InRelease`` and ``Release.gpg``); the key's public
half is exported to ``<out>/payterm-archive-keyring.gpg`` for the registers' ``Signed-By=``.
Keep the private key off the build machine's disk when you can (a smartcard or a separate
GNUPGHOME); docs/deploy.md shows the source line and how a register trusts the key.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = "stable"
CODENAME = "stable"
COMPONENT = "main"
KEYRING = "payterm-archive-keyring.gpg"


class RepoError(Exception):
    """A step failed; the message says which and why."""


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RepoError(f"{' '.join(cmd[:3])} ... failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def make_repo(debs: list[Path], out: Path, key: str, gnupghome: Path | None = None) -> Path:
    if shutil.which("reprepro") is None:
        raise RepoError("reprepro is missing: apt-get install reprepro")
    env = dict(os.environ)
    if gnupghome is not None:
        env["GNUPGHOME"] = str(gnupghome)
    arch = run(["dpkg", "--print-architecture"], env).strip()
    shutil.rmtree(out, ignore_errors=True)
    (out / "conf").mkdir(parents=True)
    (out / "conf" / "distributions").write_text(
        f"Origin: PayTerm\nLabel: PayTerm\nSuite: {SUITE}\nCodename: {CODENAME}\nArchitectures: {arch}\n"
        f"Components: {COMPONENT}\nDescription: PayTerm register packages\nSignWith: {key}\n",
        encoding="utf-8")
    for deb in debs:
        run(["reprepro", "--basedir", str(out), "includedeb", CODENAME, str(deb)], env)
    (out / KEYRING).write_bytes(subprocess.run(["gpg", "--export", key], env=env, capture_output=True,
                                               check=True).stdout)
    if not (out / KEYRING).stat().st_size:
        raise RepoError(f"gpg exported nothing for key {key}")
    # reprepro's own database is not part of what registers download.
    for private in ("conf", "db"):
        shutil.rmtree(out / private, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("debs", nargs="+", type=Path, metavar="DEB")
    parser.add_argument("--key", required=True, help="the release key's id or fingerprint (gpg)")
    parser.add_argument("--gnupghome", type=Path, help="gpg home holding the key (default: gpg's)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "repo")
    args = parser.parse_args(argv)
    try:
        out = make_repo(args.debs, args.out.resolve(), args.key, args.gnupghome)
    except RepoError as exc:
        print(f"repo failed: {exc}", file=sys.stderr)
        return 1
    print(f"signed repository: {out}\nkey for the registers: {out / KEYRING}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
