"""`make package`: PayTerm's two Debian packages.

    python packaging/build.py [--out dist] [--work build/package] [--cache build/package-cache]

- ``payterm-runtime_<serial>+<hash>_<arch>.deb``: Python, Qt, OpenCV, the decoders and every
  third-party module PayTerm uses, frozen by PyInstaller into /opt/payterm-runtime/. Built in a
  new virtual environment from ``packaging/requirements.lock`` (``pip install --require-hashes``:
  runtime dependencies only, no test tools); its OpenCV is our own build of the four modules the
  register uses (``packaging/opencv.py``, the wheel in ``packaging/wheels/``). Its version is
  the lock's serial and a hash of what makes it (the locks, runtime.spec, runtime_entry.py, the
  Python version): it changes only when those do, and a runtime already built for that version
  is taken from the cache.
- ``payterm_<version>_all.deb``: PayTerm's own code (terminal/, compiled), assets, docs, config,
  systemd units, udev rule, maintainer scripts; ``Depends: payterm-runtime (= <that version>)``.
  A release that changes only PayTerm's code is a new app package alone (a few hundred KB).

The runtime's ``Depends`` comes from ``dpkg-shlibdeps`` (versioned, from the libraries its ELF
files link to outside the bundle) plus what is loaded by name (libzbar0 through pyzbar). Both
packages install with ``apt-get install --no-install-recommends``. The sandbox wallet is not in
either: ``payterm demo`` runs from a checkout (README).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
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
RUNTIME = "payterm-runtime"
RUNTIME_LOCK = HERE / "requirements.lock"
BUILD_LOCK = HERE / "build-requirements.lock"
# What makes the runtime: a change to any of these is a new runtime version.
RUNTIME_INPUTS = (RUNTIME_LOCK, BUILD_LOCK, HERE / "runtime.spec", HERE / "runtime_entry.py")
# Loaded by name through ctypes (pyzbar), so dpkg-shlibdeps cannot see it.
RUNTIME_DEPENDS = ("libzbar0",)
# The app: the receipt and screen font (data), adduser for the postinst.
APP_DEPENDS = ("adduser", "fonts-noto-cjk")
# Only for some hardware: libusb for USB receipt printers, tpm2-pkcs11 for TPM keys.
RECOMMENDS = "libusb-1.0-0"
SUGGESTS = "libtpm2-pkcs11-1, softhsm2"
# systemd units: the kiosk window, the headless POS API, the metrics for node_exporter.
UNITS = ("payterm.service", "payterm-serve.service", "payterm-metrics.service", "payterm-metrics.timer")
DOCS = ("deploy.md", "pos-integration.md")
SERIAL = re.compile(r"^# runtime-serial: (\d+)$", re.MULTILINE)


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


def arch() -> str:
    return run(["dpkg", "--print-architecture"]).stdout.strip()


def runtime_version() -> str:
    found = SERIAL.search(RUNTIME_LOCK.read_text(encoding="utf-8"))
    if not found:
        raise BuildError("packaging/requirements.lock has no '# runtime-serial: N' line: run packaging/lock.py")
    digest = hashlib.sha256(sys.version.encode())
    for path in RUNTIME_INPUTS:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{found.group(1)}+{digest.hexdigest()[:10]}"


# --- the clean build environment ---------------------------------------------------------------
def clean_venv(cache: Path) -> Path:
    """A virtual environment with exactly the locked distributions (runtime and PyInstaller),
    made once per lock: returns its python."""
    digest = hashlib.sha256(RUNTIME_LOCK.read_bytes() + BUILD_LOCK.read_bytes() + sys.version.encode())
    venv = cache / f"venv-{digest.hexdigest()[:10]}"
    python = venv / "bin" / "python"
    if (venv / ".complete").is_file():
        return python
    for old in cache.glob("venv-*"):  # environments of older locks
        shutil.rmtree(old, ignore_errors=True)
    base = getattr(sys, "_base_executable", sys.executable)
    run([base, "-m", "venv", str(venv)])
    # From the checkout's root: the lock names our own wheels (packaging/wheels/) by relative path.
    run([str(python), "-m", "pip", "install", "--quiet", "--no-input", "--require-hashes", "--no-deps",
         "--only-binary", ":all:", "-r", str(RUNTIME_LOCK), "-r", str(BUILD_LOCK)], cwd=ROOT)
    (venv / ".complete").touch()
    return python


# --- the runtime package ----------------------------------------------------------------------
def freeze_runtime(python: Path, dest: Path, work: Path) -> Path:
    shutil.rmtree(dest / RUNTIME, ignore_errors=True)
    run([str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dest),
         "--workpath", str(work / "pyinstaller"), str(HERE / "runtime.spec")], cwd=ROOT)
    build = dest / RUNTIME
    if not (build / RUNTIME).is_file():
        raise BuildError(f"PyInstaller made no {build / RUNTIME}")
    # PyInstaller links some libraries at the top of _internal; those whose file runtime.spec
    # left out would dangle.
    for link in build.rglob("*"):
        if link.is_symlink() and not link.exists():
            link.unlink()
    return build


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def shlibdeps(tree: Path, package: str) -> str:
    """``dpkg-shlibdeps`` over every ELF file of the package tree ``tree`` (which must be
    ``<dir>/debian/<package>``): the versioned Depends of the libraries outside it."""
    source = tree.parent.parent
    (source / "debian" / "control").write_text(
        f"Source: {package}\n\nPackage: {package}\nArchitecture: any\n", encoding="utf-8")
    files = [str(p.relative_to(source)) for p in elf_files(tree)]
    # The bundle's own libraries are found in it (their RPATH, or -l) and need no Debian package.
    libdirs = sorted({str(Path(f).parent) for f in files if ".so" in Path(f).name})
    done = run(["dpkg-shlibdeps", "-O", "--ignore-missing-info", f"-p{package}", *(f"-l{d}" for d in libdirs),
                "-e", *files], cwd=source)
    found = re.search(rf"^{package}:Depends=(.*)$", done.stdout, re.MULTILINE)
    if not found:
        raise BuildError(f"dpkg-shlibdeps gave no shlibs:Depends:\n{done.stdout}{done.stderr[-2000:]}")
    return found.group(1).strip()


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


def install(src: Path, dest: Path, mode: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def installed_size_kib(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024 + 1


# xz (-6 for the runtime, -9 for the small app) for the packages you ship; --fast (the tests)
# uses zstd -3: the same files, compressed in seconds instead of minutes, a third larger (runtime:
# 138 MB against 102 MB). Not for shipping: same version, other bytes.
COMPRESSION = {"runtime": ["-Zxz", "-z6"], "app": ["-Zxz", "-z9"]}
FAST_COMPRESSION = ["-Zzstd", "-z3"]


def build_deb(root: Path, deb: Path, compression: list[str]) -> Path:
    deb.unlink(missing_ok=True)
    run(["dpkg-deb", "--root-owner-group", *compression, "--build", str(root), str(deb)])
    return deb


def runtime_package(python: Path, out: Path, work: Path, ver: str, compression: list[str]) -> Path:
    source = work / "runtime-src"
    shutil.rmtree(source, ignore_errors=True)
    tree = source / "debian" / RUNTIME
    build = freeze_runtime(python, tree / "opt", work)
    (build / "RUNTIME-VERSION").write_text(ver + "\n", encoding="utf-8")
    (tree / "DEBIAN").mkdir()  # dpkg-shlibdeps finds the package's own root by it ($ORIGIN in RPATHs)
    doc = tree / "usr" / "share" / "doc" / RUNTIME
    doc.mkdir(parents=True)
    listed = "".join(f" {line}\n" for line in bundled_distributions(build)) or " (none found)\n"
    (doc / "copyright").write_text((DEB / "runtime-copyright").read_text(encoding="utf-8") + " .\n" + listed,
                                   encoding="utf-8")
    depends = ", ".join([shlibdeps(tree, RUNTIME), *RUNTIME_DEPENDS])
    meta = tree / "DEBIAN"
    (meta / "control").write_text(
        f"Package: {RUNTIME}\nVersion: {ver}\nArchitecture: {arch()}\nSection: misc\nPriority: optional\n"
        f"Maintainer: PayTerm <it@payterm.invalid>\nInstalled-Size: {installed_size_kib(tree)}\n"
        f"Depends: {depends}\n"
        "Description: PayTerm runtime: Python, Qt, OpenCV and the code decoders\n"
        " What the PayTerm register application runs on, frozen from the project's lock file.\n"
        " It changes rarely; the payterm package (PayTerm's own code) depends on one exact\n"
        " version of it.\n", encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    deb = build_deb(tree, out / f"{RUNTIME}_{ver}_{arch()}.deb", compression)
    shutil.rmtree(source)
    return deb


def cached_runtime(python: Path, cache: Path, work: Path, fast: bool) -> tuple[Path, str]:
    """The runtime .deb for this lock and recipe: from the cache, or built into it."""
    ver = runtime_version()
    kept = cache / ("fast" if fast else "release")
    kept.mkdir(parents=True, exist_ok=True)
    deb = kept / f"{RUNTIME}_{ver}_{arch()}.deb"
    if not deb.is_file():
        compression = FAST_COMPRESSION if fast else COMPRESSION["runtime"]
        made = runtime_package(python, cache / "partial", work, ver, compression)
        made.rename(deb)
    for old in kept.glob(f"{RUNTIME}_*.deb"):  # runtimes of older locks or recipes
        if old != deb:
            old.unlink()
    return deb, ver


def unpacked_runtime(deb: Path, work: Path) -> Path:
    """The runtime's folder, unpacked from its .deb (to check the app against it)."""
    into = work / "runtime-unpacked"
    shutil.rmtree(into, ignore_errors=True)
    run(["dpkg-deb", "-x", str(deb), str(into)])
    return into / "opt" / RUNTIME


# --- the app package --------------------------------------------------------------------------
def app_modules(app: Path) -> list[str]:
    names = []
    for path in sorted((app / "terminal").rglob("*.py")):
        parts = list(path.relative_to(app).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def check_app_on_runtime(runtime: Path, app: Path, work: Path) -> None:
    """Every module of the app imports on this runtime, or the build stops."""
    listing = work / "app-modules.txt"
    listing.write_text("\n".join(app_modules(app)) + "\n", encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PAYTERM_APP_DIR": str(app),
           "PAYTERM_RUNTIME_CHECK": str(listing), "QT_QPA_PLATFORM": "offscreen", "HOME": str(work)}
    done = subprocess.run([str(runtime / RUNTIME)], env=env, text=True, capture_output=True, check=False,
                          timeout=600)
    if done.returncode != 0:
        raise BuildError("the app needs modules that the runtime does not carry: add them to the runtime "
                         "(pyproject and packaging/lock.py, or packaging/runtime.spec) so that it gets a new "
                         f"version:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")


def changelog_version() -> str:
    first = (DEB / "changelog").read_text(encoding="utf-8").splitlines()[0]
    found = re.match(rf"{NAME} \(([^)]+)\) ", first)
    if not found:
        raise BuildError(f"packaging/deb/changelog does not start with a '{NAME} (VERSION) ...' entry")
    return found.group(1)


def stage_app(root: Path, runtime_ver: str, python: Path) -> None:
    """The app package's file tree under ``root``."""
    shutil.rmtree(root, ignore_errors=True)
    opt = root / "opt" / NAME
    app = opt / "app"
    shutil.copytree(ROOT / "terminal", app / "terminal", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # Compiled here, once: /opt is read-only to the service, so it could not write them itself.
    run([str(python), "-m", "compileall", "-q", "-f", "--invalidation-mode", "unchecked-hash",
         "-d", f"/opt/{NAME}/app/terminal", str(app / "terminal")])
    shutil.copytree(ROOT / "assets", opt / "assets")
    for doc in DOCS:
        install(ROOT / "docs" / doc, opt / "docs" / doc, 0o644)
    install(ROOT / "config" / "terminal.example.toml", opt / "config" / "terminal.example.toml", 0o644)
    install(DEB / "payterm", root / "usr" / "bin" / NAME, 0o755)
    install(DEB / "terminal.toml", root / "etc" / NAME / "terminal.toml", 0o644)
    install(DEB / "default", root / "etc" / "default" / NAME, 0o640)
    for unit in UNITS:
        install(DEB / unit, root / "lib" / "systemd" / "system" / unit, 0o644)
    install(DEB / "70-payterm.rules", root / "lib" / "udev" / "rules.d" / "70-payterm.rules", 0o644)
    (root / "etc" / NAME / "terminal.d").mkdir(parents=True)  # IT's drop-ins (docs/config.md)
    app_docs(root)
    meta = root / "DEBIAN"
    for script in ("postinst", "prerm", "postrm"):
        install(DEB / script, meta / script, 0o755)
    # The preinst refuses a downgrade onto a newer journal: it must know which schema this build
    # reads, asked of the journal's own schema module (of the tree being built).
    latest = run([str(python), "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                  "from terminal.journal.schema import LATEST_VERSION; print(LATEST_VERSION)", str(ROOT)],
                 cwd="/").stdout.strip()
    preinst = (DEB / "preinst").read_text(encoding="utf-8").replace("@SCHEMA_VERSION@", latest)
    (meta / "preinst").write_text(preinst, encoding="utf-8")
    (meta / "preinst").chmod(0o755)
    (meta / "conffiles").write_text(f"/etc/{NAME}/terminal.toml\n/etc/default/{NAME}\n", encoding="utf-8")
    depends = ", ".join([f"{RUNTIME} (= {runtime_ver})", *APP_DEPENDS])
    (meta / "control").write_text(
        f"Package: {NAME}\nVersion: {version()}\nArchitecture: all\nSection: misc\nPriority: optional\n"
        f"Maintainer: PayTerm <it@payterm.invalid>\nInstalled-Size: {installed_size_kib(root)}\n"
        f"Depends: {depends}\nRecommends: {RECOMMENDS}\nSuggests: {SUGGESTS}\n"
        "Description: PayTerm payment terminal for mobile-wallet payments\n"
        " The register application: the cashier window (kiosk mode, run by systemd as the\n"
        " user payterm), the headless POS API service, and the payterm command line. The\n"
        " sandbox wallet and the demo are not in this package.\n", encoding="utf-8")


def app_docs(root: Path) -> None:
    """/usr/share/doc/payterm: copyright and changelog.gz."""
    if changelog_version() != version():
        raise BuildError(f"packaging/deb/changelog's newest entry is {changelog_version()}, the program is "
                         f"{version()}: add an entry")
    doc = root / "usr" / "share" / "doc" / NAME
    doc.mkdir(parents=True, exist_ok=True)
    install(DEB / "copyright", doc / "copyright", 0o644)
    with gzip.GzipFile(doc / "changelog.gz", "wb", compresslevel=9, mtime=0) as fh:
        fh.write((DEB / "changelog").read_bytes())
    (doc / "changelog.gz").chmod(0o644)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the two .deb files go")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "package", help="scratch space")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "package-cache",
                        help="the clean environment and the runtime .deb, kept per lock (reused by later builds)")
    parser.add_argument("--fast", action="store_true",
                        help="compress with zstd -3 instead of xz (the tests: same files, faster, larger)")
    args = parser.parse_args(argv)
    out, work, cache = args.out.resolve(), args.work.resolve(), args.cache.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        python = clean_venv(cache)
        runtime_deb, runtime_ver = cached_runtime(python, cache, work, args.fast)
        root = work / "app-root"
        stage_app(root, runtime_ver, python)
        check_app_on_runtime(unpacked_runtime(runtime_deb, work), root / "opt" / NAME / "app", work)
        app_deb = build_deb(root, out / f"{NAME}_{version()}_all.deb",
                            FAST_COMPRESSION if args.fast else COMPRESSION["app"])
        shutil.copyfile(runtime_deb, out / runtime_deb.name)
    except BuildError as exc:
        print(f"packaging failed: {exc}", file=sys.stderr)
        return 1
    for deb in (out / runtime_deb.name, app_deb):
        print(f"package: {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
