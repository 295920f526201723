"""Keys for generated certificates, derived from a seed: the same key for the same spec on every
run and in every process, so regenerated test certificates do not churn in git.

RSA keys are built from primes drawn by a seeded generator (a window sieved by small primes,
then Miller-Rabin); EC P-256 and Ed25519 keys are the seed's digest itself.
"""

from __future__ import annotations

import functools
import hashlib
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

KEY_TYPES = ("rsa1024", "rsa2048", "rsa3072", "ec256", "ed25519")

_PUBLIC_EXPONENT = 65537
_MILLER_RABIN_ROUNDS = 8  # random candidates: the error is far below 4**-8; OpenSSL checks the key again
_SIEVE_WINDOW = 4096
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@functools.cache
def _small_primes(limit: int = 20_000) -> tuple[int, ...]:
    """The odd primes below ``limit`` (the sieve of Eratosthenes), computed on first use."""
    marks = bytearray([1]) * limit
    marks[:2] = b"\x00\x00"
    for n in range(2, int(limit**0.5) + 1):
        if marks[n]:
            marks[n * n :: n] = bytes(len(range(n * n, limit, n)))
    return tuple(n for n in range(3, limit) if marks[n])


@functools.cache
def private_key(key_type: str, seed: str) -> PrivateKey:
    """The key of a type for a seed: the same seed gives the same key in every process."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    digest = hashlib.sha256(f"exolint-key:{key_type}:{seed}".encode()).digest()
    if key_type == "ec256":
        scalar = int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1
        return ec.derive_private_key(scalar, ec.SECP256R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(digest)
    if key_type in ("rsa1024", "rsa2048", "rsa3072"):
        return _rsa_key(int(key_type[3:]), digest)
    raise ValueError(f"unknown key type {key_type!r}; expected one of {', '.join(KEY_TYPES)}")


def _rsa_key(bits: int, digest: bytes) -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    rng = random.Random(digest)
    p = _prime(rng, bits // 2)
    q = _prime(rng, bits - bits // 2)
    while q == p:
        q = _prime(rng, bits - bits // 2)
    p, q = max(p, q), min(p, q)
    d = pow(_PUBLIC_EXPONENT, -1, (p - 1) * (q - 1) // _gcd(p - 1, q - 1))
    public = rsa.RSAPublicNumbers(_PUBLIC_EXPONENT, p * q)
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=public,
    )
    return numbers.private_key()


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _prime(rng: random.Random, bits: int) -> int:
    """A prime of exactly ``bits`` bits whose top two bits are set, so p*q has the full size.

    A window of odd candidates is sieved by the small primes first, so Miller-Rabin, the costly
    part in pure Python, runs only on the few survivors.
    """
    while True:
        start = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        for candidate in _sieved(start):
            if candidate.bit_length() != bits:
                break
            if (candidate - 1) % _PUBLIC_EXPONENT and _probably_prime(candidate, rng):
                return candidate


def _sieved(start: int) -> list[int]:
    """The odd numbers ``start + 2k`` (k below the window) that no small prime divides."""
    alive = bytearray([1]) * _SIEVE_WINDOW
    for small in _small_primes():
        first = (-(start % small) * ((small + 1) // 2)) % small
        alive[first::small] = bytes(len(range(first, _SIEVE_WINDOW, small)))
    return [start + 2 * k for k in range(_SIEVE_WINDOW) if alive[k]]


def _probably_prime(n: int, rng: random.Random) -> bool:
    odd, twos = n - 1, 0
    while odd % 2 == 0:
        odd, twos = odd // 2, twos + 1
    for _ in range(_MILLER_RABIN_ROUNDS):
        x = pow(rng.randrange(2, n - 1), odd, n)
        if x in (1, n - 1):
            continue
        for _ in range(twos - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True
