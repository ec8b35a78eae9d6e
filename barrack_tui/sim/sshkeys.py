"""OpenSSH keys for the simulator: parse imported public keys, generate real key pairs.

Generation is Ed25519 in pure Python (RFC 8032 key derivation, OpenSSH's
``openssh-key-v1`` private format), seeded so a run is reproducible and the
project needs no crypto dependency. The guide says Barrack generates 2048-bit
RSA; finding RSA primes in pure Python is too slow for a simulator, so the
simulator's generated keys are Ed25519 (assumed).
"""

from __future__ import annotations

import base64
import hashlib
import struct
import textwrap
from typing import Final, NamedTuple

ALLOWED_TYPES: Final = ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")

_P: Final = 2**255 - 19
_D: Final = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1: Final = pow(2, (_P - 1) // 4, _P)


class PublicKey(NamedTuple):
    key_type: str
    line: str
    fingerprint: str


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big")  # leading zero keeps it positive
    return _string(raw)


def fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def _read_string(blob: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(blob):
        raise ValueError("the key data ends early")
    (length,) = struct.unpack_from(">I", blob, offset)
    end = offset + 4 + length
    if end > len(blob):
        raise ValueError("the key data ends early")
    return blob[offset + 4 : end], end


def parse_public_key(line: str) -> PublicKey:
    """One OpenSSH public key line, checked; ``ValueError`` says what is wrong."""
    parts = line.strip().split(None, 2)
    if len(parts) < 2:
        raise ValueError("expected '<type> <base64 data> [comment]' on one line")
    key_type, data = parts[0], parts[1]
    if key_type not in ALLOWED_TYPES:
        raise ValueError(f"key type {key_type!r} is not accepted: use {', '.join(ALLOWED_TYPES)}")
    try:
        blob = base64.b64decode(data, validate=True)
    except ValueError:
        raise ValueError("the key data is not valid base64") from None
    inner, offset = _read_string(blob, 0)
    if inner.decode(errors="replace") != key_type:
        raise ValueError(f"the key data says {inner.decode(errors='replace')!r}, not {key_type!r}")
    if key_type == "ssh-ed25519":
        key, _ = _read_string(blob, offset)
        if len(key) != 32:
            raise ValueError("an ssh-ed25519 key holds 32 bytes")
    normalised = f"{key_type} {data}" + (f" {parts[2]}" if len(parts) > 2 else "")
    return PublicKey(key_type, normalised, fingerprint(blob))


# ------------------------------------------------------------------ Ed25519


def _point_add(p: tuple[int, int, int, int], q: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _base_point() -> tuple[int, int, int, int]:
    y = 4 * pow(5, _P - 2, _P) % _P
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * _SQRT_M1 % _P
    if x & 1:
        x = _P - x
    return (x, y, 1, x * y % _P)


_BASE: Final = _base_point()


def ed25519_public(seed: bytes) -> bytes:
    """The 32-byte public key of a 32-byte private seed (RFC 8032 5.1.5)."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    result, addend = (0, 1, 1, 0), _BASE
    while scalar:
        if scalar & 1:
            result = _point_add(result, addend)
        addend = _point_add(addend, addend)
        scalar >>= 1
    x, y, z, _ = result
    z_inv = pow(z, _P - 2, _P)
    x, y = x * z_inv % _P, y * z_inv % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


class KeyPair(NamedTuple):
    public: PublicKey
    private_pem: str


def ed25519_pair(seed: bytes, check: bytes, comment: str) -> KeyPair:
    """A working OpenSSH Ed25519 key pair from 32 random bytes (``check``: 4 bytes)."""
    pub = ed25519_public(seed)
    blob = _string(b"ssh-ed25519") + _string(pub)
    line = f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"
    private = check + check + _string(b"ssh-ed25519") + _string(pub) + _string(seed + pub) + _string(comment.encode())
    private += bytes(range(1, 1 + (-len(private) % 8)))
    body = (
        b"openssh-key-v1\0"
        + _string(b"none")
        + _string(b"none")
        + _string(b"")
        + struct.pack(">I", 1)
        + _string(blob)
        + _string(private)
    )
    armoured = "\n".join(textwrap.wrap(base64.b64encode(body).decode(), 70))
    pem = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{armoured}\n-----END OPENSSH PRIVATE KEY-----\n"
    return KeyPair(PublicKey("ssh-ed25519", line, fingerprint(blob)), pem)


def rsa_public_line(modulus: int, comment: str) -> PublicKey:
    """An ``ssh-rsa`` public key line for a given modulus (demo data: nobody holds the private half)."""
    blob = _string(b"ssh-rsa") + _mpint(65537) + _mpint(modulus)
    return PublicKey("ssh-rsa", f"ssh-rsa {base64.b64encode(blob).decode()} {comment}", fingerprint(blob))
