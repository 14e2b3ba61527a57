"""A rules pack: rules/ zipped with a manifest (version, date, sha256 of every file)
signed with the publisher's Ed25519 key. Reading one checks everything before any
file is trusted."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = 1
MANIFEST, SIGNATURE, RULES = "manifest.json", "manifest.sig", "rules/"
VERSION_FILE = "VERSION"  # in a rules folder: the catalogue's version (a pack writes it)
PRIVATE_KEY, PUBLIC_KEY = "cle-regles.pem", "cle-regles.pub"
_VERSION = re.compile(r"\d+(\.\d+)*")


class PackRefused(ValueError):
    """Why a pack or a key is not accepted, in French."""


@dataclass(frozen=True)
class Pack:
    """A verified pack: its files (path inside rules/ -> bytes) can be installed."""

    version: str
    created: str
    files: dict[str, bytes]


def version_key(version: str) -> tuple[int, ...]:
    """2026.12.1 < 2026.12.10: versions compare number by number."""
    if not _VERSION.fullmatch(version):
        raise PackRefused(f"« {version} » n'est pas un numéro de version (chiffres séparés par des points, "
                          "par exemple 2026.12.1).")
    return tuple(int(part) for part in version.split("."))


# --- keys -------------------------------------------------------------------------------
def generate_keys(folder: Path) -> tuple[Path, Path]:
    """A new key pair: the private key readable by its owner alone, the public key as one line of base64."""
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:  # O_EXCL: never overwrite a key packs were already signed with
        with os.fdopen(os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(pem)
    except FileExistsError:
        raise PackRefused(f"{private} existe déjà : choisissez un autre dossier pour ne pas perdre cette clé.") from None
    public.write_text(public_text(key.public_key()) + "\n", encoding="ascii")
    return private, public


def public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def key_fingerprint(key: str) -> str:
    """What a desk reads back to the publisher, by phone, before trusting a key: the first
    64 bits of its SHA-256, in groups of four (« 3f2a 91c0 … »)."""
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def read_public_key(text: str) -> str:
    """The key's canonical text; PackRefused when it is not an Ed25519 public key."""
    try:
        return public_text(Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True)))
    except ValueError:
        raise PackRefused("Ce fichier n'est pas une clé publique de règles (une ligne en base64, "
                          "telle que l'écrit « aidant-desk rules keygen »).") from None


def _private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise PackRefused(f"{path} n'est pas une clé privée de règles (écrite par « aidant-desk rules keygen »).")
    return key


# --- building ---------------------------------------------------------------------------
def build_pack(rules: Path, output: Path, key_file: Path, version: str) -> Path:
    version_key(version)
    key = _private_key(key_file)
    files = {path.relative_to(rules).as_posix(): path.read_bytes() for path in sorted(rules.rglob("*"))
             if path.is_file() and not _skipped(path.relative_to(rules))}
    files[VERSION_FILE] = f"{version}\n".encode()
    manifest = json.dumps({
        "format": FORMAT, "version": version, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "key": public_text(key.public_key()),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }, indent=2, sort_keys=True).encode()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, base64.b64encode(key.sign(manifest)))
        for name, data in sorted(files.items()):
            archive.writestr(RULES + name, data)
    return output


def _skipped(relative: Path) -> bool:
    """The source's own VERSION gives way to the pack's; caches and hidden files are not rules."""
    return relative.as_posix() == VERSION_FILE or any(part.startswith((".", "__")) for part in relative.parts)


# --- reading ----------------------------------------------------------------------------
def read_pack(path: Path, trusted_keys: set[str]) -> Pack:
    """The pack, once its signature comes from a trusted key and every file matches the manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    except (zipfile.BadZipFile, KeyError):
        entries = {}
    if MANIFEST not in entries:
        raise PackRefused(f"{path.name} n'est pas un paquet de règles Aidant Desk.")
    if SIGNATURE not in entries:
        raise PackRefused("Le paquet n'est pas signé : il ne vient pas d'un éditeur de règles reconnu.")
    manifest = _manifest(entries[MANIFEST])
    if manifest["key"] not in trusted_keys:
        raise PackRefused(f"Le paquet est signé par une clé que ce poste ne reconnaît pas ({manifest['key']}). "
                          "Ajoutez d'abord la clé publique de l'éditeur (aidant-desk rules trust).")
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(manifest["key"])).verify(
            base64.b64decode(entries[SIGNATURE]), entries[MANIFEST])
    except (InvalidSignature, ValueError):
        raise PackRefused("La signature du paquet est invalide : il a été modifié après sa signature "
                          "ou n'a pas été signé par l'éditeur.") from None
    files = {name[len(RULES):]: data for name, data in entries.items() if name.startswith(RULES)}
    _check_files(manifest["files"], files)
    if files.get(VERSION_FILE, b"").decode(errors="replace").strip() != manifest["version"]:
        raise PackRefused("Le paquet est incohérent : sa version ne correspond pas à son manifeste.")
    version_key(manifest["version"])
    return Pack(manifest["version"], manifest["created"], files)


def _manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        if manifest["format"] == FORMAT and all(isinstance(manifest[k], str) for k in ("version", "created", "key")) \
                and isinstance(manifest["files"], dict):
            return manifest
    except (ValueError, KeyError, TypeError):
        pass
    raise PackRefused("Le manifeste du paquet est illisible : paquet abîmé ou d'un format inconnu.")


def _check_files(hashes: dict, files: dict[str, bytes]) -> None:
    for name in sorted(set(hashes) | set(files)):
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts or not parts or ":" in name or "\\" in name:
            raise PackRefused(f"Le paquet contient un chemin non admis : « {name} ».")
        if name not in files:
            raise PackRefused(f"Il manque au paquet le fichier « {name} » de son manifeste.")
        if name not in hashes:
            raise PackRefused(f"Le paquet contient un fichier non signé : « {name} ».")
        if hashlib.sha256(files[name]).hexdigest() != hashes[name]:
            raise PackRefused(f"Le fichier « {name} » du paquet a été modifié après sa signature "
                              "(son empreinte ne correspond plus).")
