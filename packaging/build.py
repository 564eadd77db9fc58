"""`make package`: the PyInstaller one-folder build of PayTerm and the .deb that installs it.

    python packaging/build.py [--out dist] [--work build/package]

Makes ``<out>/payterm/`` (the one-folder build: ``payterm`` + ``_internal/``) and
``<out>/payterm_<version>_<arch>.deb``:

- /opt/payterm/                 the build, plus the docs and example config
- /usr/bin/payterm              runs it
- /etc/payterm/terminal.toml    IT's config layer (conffile)
- /etc/default/payterm          the service's environment (conffile)
- /lib/systemd/system/payterm.service   the kiosk window as user ``payterm``, restarted
- /lib/systemd/system/payterm-metrics.{service,timer}   counters for Prometheus every minute
- /lib/udev/rules.d/70-payterm.rules    cameras, scanners, printers for that user
- /usr/share/doc/payterm/               copyright (with the bundled distributions) and changelog.gz

``Depends`` lists the Debian packages owning every shared library the build links to outside
itself (found with ldd and dpkg, as dpkg-shlibdeps would), plus what is loaded by name at run
time (zbar, the Japanese font) and adduser for the postinst; libusb (USB printers) is Recommends.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
DEB = HERE / "deb"
NAME = "payterm"
# Loaded by name through ctypes (pyzbar) or needed as data (receipt and screen font): ldd
# cannot see these.
RUNTIME_DEPENDS = ("adduser", "fonts-noto-cjk", "libzbar0")
# Only for some hardware: libusb for USB receipt printers (pyusb), tpm2-pkcs11 for TPM keys.
RECOMMENDS = "libusb-1.0-0"
SUGGESTS = "libtpm2-pkcs11-1, softhsm2"
# systemd units: the kiosk window, and the metrics for node_exporter's textfile collector.
UNITS = ("payterm.service", "payterm-metrics.service", "payterm-metrics.timer")
LDD_LINE = re.compile(r"^\s*\S+ => (/\S+) \(0x[0-9a-f]+\)$")


class BuildError(Exception):
    """A build step failed; the message says which and why."""


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise BuildError(f"{' '.join(cmd[:3])} ... failed ({result.returncode}):\n{result.stdout[-3000:]}"
                         f"{result.stderr[-3000:]}")
    return result


def version() -> str:
    text = (ROOT / "terminal" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if not found:
        raise BuildError("no __version__ in terminal/__init__.py")
    return found.group(1)


def pyinstaller(out: Path, work: Path) -> Path:
    """The one-folder build at ``out/payterm``."""
    shutil.rmtree(out / NAME, ignore_errors=True)
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out), "--workpath", str(work / "pyinstaller"), str(HERE / "payterm.spec")],
        cwd=ROOT)
    build = out / NAME
    if not (build / NAME).is_file():
        raise BuildError(f"PyInstaller made no {build / NAME}")
    return build


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def external_libraries(build: Path) -> set[str]:
    """Shared libraries outside the build that its programs and libraries load."""
    libs: set[str] = set()
    missing: set[str] = set()
    files = [str(p) for p in elf_files(build)]
    for start in range(0, len(files), 200):
        out = subprocess.run(["ldd", *files[start:start + 200]], text=True, capture_output=True,
                             check=False).stdout
        for line in out.splitlines():
            if "=> not found" in line:
                missing.add(line.split()[0])
            elif (m := LDD_LINE.match(line)) and not m.group(1).startswith(str(build)):
                libs.add(m.group(1))
    # Libraries the build carries itself resolve inside it when it runs; anything else missing
    # here would be missing on the register too.
    carried = {p.name for p in build.rglob("*.so*")}
    if missing - carried:
        raise BuildError("the build links to libraries not installed here: " + ", ".join(sorted(missing - carried))
                         + " (install their Debian packages: `make sysdeps`)")
    return libs


def owning_packages(paths: set[str]) -> set[str]:
    """Debian packages owning ``paths`` (merged /usr: try each spelling of a path)."""
    candidates: set[str] = set()
    for path in paths:
        for p in {path, os.path.realpath(path)}:
            candidates.add(p)
            if p.startswith("/usr/lib/"):
                candidates.add(p[len("/usr"):])
            elif p.startswith("/lib"):
                candidates.add("/usr" + p)
    out = subprocess.run(["dpkg-query", "-S", *sorted(candidates)], text=True, capture_output=True,
                         check=False).stdout
    packages: dict[str, set[str]] = {}
    for line in out.splitlines():
        owners, _, path = line.partition(": ")
        for owner in owners.split(", "):
            packages.setdefault(os.path.realpath(path), set()).add(owner.split(":")[0])
    unowned = sorted(p for p in paths if os.path.realpath(p) not in packages)
    if unowned:
        raise BuildError(f"no Debian package owns {', '.join(unowned)}: cannot state Depends")
    return {pkg for owners in packages.values() for pkg in owners}


def depends(build: Path) -> str:
    packages = owning_packages(external_libraries(build)) | set(RUNTIME_DEPENDS)
    libc = run(["dpkg-query", "-W", "-f=${Version}", "libc6"]).stdout.split("-")[0]
    packages.discard("libc6")
    return ", ".join([f"libc6 (>= {libc})", *sorted(packages)])


def control(ver: str, arch: str, deps: str, size_kib: int) -> str:
    return (
        f"Package: {NAME}\nVersion: {ver}\nArchitecture: {arch}\nSection: misc\nPriority: optional\n"
        f"Maintainer: PayTerm <it@payterm.invalid>\nInstalled-Size: {size_kib}\nDepends: {deps}\n"
        f"Recommends: {RECOMMENDS}\nSuggests: {SUGGESTS}\n"
        "Description: PayTerm payment terminal for mobile-wallet payments\n"
        " The register application: the cashier window (kiosk mode, run by systemd as the\n"
        " user payterm), the payterm command line, and the sandbox wallet for training.\n"
    )


def install(src: Path, dest: Path, mode: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def stage(build: Path, root: Path, deps: str) -> None:
    """The package's file tree under ``root``."""
    shutil.rmtree(root, ignore_errors=True)
    opt = root / "opt" / NAME
    shutil.copytree(build, opt, symlinks=True, copy_function=os.link)  # hard links: no second copy
    install(ROOT / "docs" / "deploy.md", opt / "docs" / "deploy.md", 0o644)
    install(ROOT / "config" / "terminal.example.toml", opt / "config" / "terminal.example.toml", 0o644)
    install(DEB / "payterm", root / "usr" / "bin" / NAME, 0o755)
    install(DEB / "terminal.toml", root / "etc" / NAME / "terminal.toml", 0o644)
    install(DEB / "default", root / "etc" / "default" / NAME, 0o640)
    for unit in UNITS:
        install(DEB / unit, root / "lib" / "systemd" / "system" / unit, 0o644)
    install(DEB / "70-payterm.rules", root / "lib" / "udev" / "rules.d" / "70-payterm.rules", 0o644)
    (root / "etc" / NAME / "terminal.d").mkdir(parents=True)  # IT's drop-ins (docs/config.md)
    docs(build, root)
    meta = root / "DEBIAN"
    for script in ("postinst", "prerm", "postrm"):
        install(DEB / script, meta / script, 0o755)
    # The preinst refuses a downgrade onto a newer journal: it must know which schema this build
    # reads, asked of the journal's own schema module.
    from terminal.journal.schema import LATEST_VERSION

    preinst = (DEB / "preinst").read_text(encoding="utf-8").replace("@SCHEMA_VERSION@", str(LATEST_VERSION))
    (meta / "preinst").write_text(preinst, encoding="utf-8")
    (meta / "preinst").chmod(0o755)
    (meta / "conffiles").write_text(f"/etc/{NAME}/terminal.toml\n/etc/default/{NAME}\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    (meta / "control").write_text(control(version(), arch, deps, size // 1024 + 1), encoding="utf-8")


def changelog_version() -> str:
    first = (DEB / "changelog").read_text(encoding="utf-8").splitlines()[0]
    found = re.match(rf"{NAME} \(([^)]+)\) ", first)
    if not found:
        raise BuildError(f"packaging/deb/changelog does not start with a '{NAME} (VERSION) ...' entry")
    return found.group(1)


def bundled_distributions(build: Path) -> list[str]:
    """'name version: licence' of every Python distribution whose metadata the build carries."""
    found: list[str] = []
    for meta in sorted(build.glob("_internal/*.dist-info/METADATA")):
        fields: dict[str, str] = {}
        for line in meta.read_text(encoding="utf-8", errors="replace").split("\n\n")[0].splitlines():
            key, _, value = line.partition(": ")
            if key in ("Name", "Version", "License", "License-Expression") and key not in fields:
                fields[key] = value.strip()
        licence = fields.get("License-Expression") or fields.get("License") or "see its dist-info folder"
        found.append(f"{fields.get('Name', meta.parent.name)} {fields.get('Version', '')}: {licence[:80]}")
    return found


def docs(build: Path, root: Path) -> None:
    """/usr/share/doc/payterm: copyright (with the bundled distributions) and changelog.gz."""
    if changelog_version() != version():
        raise BuildError(f"packaging/deb/changelog's newest entry is {changelog_version()}, the program is "
                         f"{version()}: add an entry")
    doc = root / "usr" / "share" / "doc" / NAME
    doc.mkdir(parents=True, exist_ok=True)
    listed = "".join(f" {line}\n" for line in bundled_distributions(build)) or " (none found)\n"
    (doc / "copyright").write_text((DEB / "copyright").read_text(encoding="utf-8") + " .\n" + listed,
                                   encoding="utf-8")
    with gzip.GzipFile(doc / "changelog.gz", "wb", compresslevel=9, mtime=0) as fh:
        fh.write((DEB / "changelog").read_bytes())
    for path in (doc / "copyright", doc / "changelog.gz"):
        path.chmod(0o644)


def build_deb(root: Path, out: Path) -> Path:
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    deb = out / f"{NAME}_{version()}_{arch}.deb"
    deb.unlink(missing_ok=True)
    # zstd at a low level: about as small as xz for this tree, in a fraction of the time.
    run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z3", "--build", str(root), str(deb)])
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the build and .deb go")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "package", help="scratch space")
    args = parser.parse_args(argv)
    out, work = args.out.resolve(), args.work.resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        build = pyinstaller(out, work)
        stage(build, work / "deb-root", depends(build))
        deb = build_deb(work / "deb-root", out)
    except BuildError as exc:
        print(f"packaging failed: {exc}", file=sys.stderr)
        return 1
    print(f"one-folder build: {build}\npackage: {deb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
