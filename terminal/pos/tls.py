"""The register's own TLS certificate for the local Terminal API.

Self-signed, ECDSA P-256, with the register's name as subject and loopback plus the host's names
as alternative names; made once and kept in the data directory (key and certificate 0600). POS
systems pin its SHA-256 fingerprint, which `payterm pos pair` prints with the certificate.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_FILE: Final = "pos-tls-cert.pem"
KEY_FILE: Final = "pos-tls-key.pem"
VALIDITY_DAYS: Final = 5 * 365


@dataclass(frozen=True)
class RegisterCertificate:
    cert_path: Path
    key_path: Path
    pem: str
    fingerprint: str  # SHA-256 of the DER, "AB:CD:..."


def fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def _write_0600(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def ensure_certificate(
    data_dir: Path, register_name: str, *, now: dt.datetime | None = None, extra_hosts: tuple[str, ...] = ()
) -> RegisterCertificate:
    """The register's certificate, made on first use."""
    cert_path, key_path = data_dir / CERT_FILE, data_dir / KEY_FILE
    if not (cert_path.is_file() and key_path.is_file()):
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        when = now or dt.datetime.now(dt.UTC)
        names: list[x509.GeneralName] = [
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]
        for host in (socket.gethostname(), *extra_hosts):
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                if host and host != "localhost":
                    names.append(x509.DNSName(host))
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, register_name[:64]),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PayTerm register"),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(when - dt.timedelta(minutes=5))
            .not_valid_after(when + dt.timedelta(days=VALIDITY_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_0600(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        _write_0600(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    pem = cert_path.read_text(encoding="ascii")
    return RegisterCertificate(
        cert_path, key_path, pem, fingerprint(x509.load_pem_x509_certificate(pem.encode()))
    )
