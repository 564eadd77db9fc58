"""`make repo`: the signed apt repository (reprepro, a release key made for the test), read by
apt exactly as a register would with `Signed-By=`, in apt directories of the test's own (the
machine's sources are not touched): it updates, offers and installs the package; a tampered
Release file makes `apt-get update` fail."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal import __version__
from tests.packaging.conftest import ROOT, Installed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test also waits for the build


@pytest.fixture(scope="module")
def release_key() -> Iterator[tuple[Path, str]]:
    """(GNUPGHOME, fingerprint) of a new ed25519 signing key (a short path: gpg-agent's socket)."""
    with tempfile.TemporaryDirectory(prefix="pt-gpg-", dir="/tmp") as home:
        env = {"GNUPGHOME": home, "PATH": "/usr/bin:/bin"}
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
                        "PayTerm release (test) <release@payterm.invalid>", "ed25519", "sign", "never"],
                       env=env, check=True, capture_output=True)
        listed = subprocess.run(["gpg", "--with-colons", "--list-secret-keys"], env=env, check=True,
                                capture_output=True, text=True).stdout
        fpr = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:"))
        yield Path(home), fpr
        subprocess.run(["gpgconf", "--kill", "all"], env=env, check=False, capture_output=True)


@pytest.fixture
def repo(package: Installed, release_key: tuple[Path, str], tmp_path: Path) -> Path:
    home, fpr = release_key
    out = tmp_path / "repo"
    made = subprocess.run([sys.executable, str(ROOT / "packaging" / "repo.py"), "--key", fpr, "--gnupghome",
                           str(home), "--out", str(out), str(package.runtime_deb), str(package.deb)], capture_output=True, text=True,
                          check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    return out


def apt(tmp_path: Path, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """apt-get/apt-cache with only this repository as a source, as docs/deploy.md's line gives it."""
    state = tmp_path / "apt"
    for sub in ("lists/partial", "cache/archives/partial", "parts"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    sources = state / "sources.list"
    sources.write_text(f"deb [signed-by={repo / 'payterm-archive-keyring.gpg'}] file:{repo} stable main\n",
                       encoding="utf-8")
    options = [f"-oDir::Etc::SourceList={sources}", f"-oDir::Etc::SourceParts={state / 'parts'}",
               f"-oDir::State::Lists={state / 'lists'}", f"-oDir::Cache={state / 'cache'}",
               f"-oDir::Cache::Archives={state / 'cache/archives'}", "-oAPT::Sandbox::User=root",
               "-oAcquire::Languages=none"]
    return subprocess.run([args[0], *options, *args[1:]], capture_output=True, text=True, timeout=600,
                          check=False, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"})


def test_signed_repository_updates_offers_and_installs(repo: Path, package: Installed, tmp_path: Path) -> None:
    assert (repo / "dists/stable/InRelease").is_file() and (repo / "dists/stable/Release.gpg").is_file()
    assert not (repo / "conf").exists() and not (repo / "db").exists()  # reprepro's own files stay home
    updated = apt(tmp_path, repo, "apt-get", "update")
    assert updated.returncode == 0 and "W:" not in updated.stdout + updated.stderr, updated.stdout + updated.stderr
    policy = apt(tmp_path, repo, "apt-cache", "policy", "payterm")
    assert f"Candidate: {__version__}" in policy.stdout and f"file:{repo}" in policy.stdout, policy.stdout
    if package.by_dpkg:  # installed by the session: install it again, from the repository
        installed = apt(tmp_path, repo, "apt-get", "install", "-y", "--reinstall", "--no-install-recommends",
                        "payterm")
        assert installed.returncode == 0, installed.stdout + installed.stderr
        assert f"file:{repo} stable/main" in installed.stdout and "Setting up payterm" in installed.stdout
    else:
        fetched = apt(tmp_path, repo, "apt-get", "install", "-y", "--download-only", "--no-install-recommends",
                      "payterm")
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr


def test_a_tampered_release_file_fails_the_update(repo: Path, tmp_path: Path) -> None:
    for name in ("InRelease", "Release"):
        path = repo / "dists/stable" / name
        path.write_text(path.read_text(encoding="utf-8").replace("Label: PayTerm", "Label: PayTerX"), encoding="utf-8")
    updated = apt(tmp_path, repo, "apt-get", "update")
    text = updated.stdout + updated.stderr
    assert updated.returncode != 0, text
    assert "BADSIG" in text or "signatures were invalid" in text, text
    assert not list((tmp_path / "apt/lists").glob("*Packages*"))  # nothing from it is trusted
