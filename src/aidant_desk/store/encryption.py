"""The key that encrypts the saved dossiers at rest (Fernet: AES-128-CBC with an
HMAC-SHA256, from the `cryptography` library).

The key lives in the operating system's keyring when there is one (GNOME Keyring,
macOS Keychain, Windows Credential Locker, through `keyring`); otherwise in a key
file next to the database that only the user may read (mode 0600). Losing the key
loses the dossiers: nothing here ever writes it anywhere else.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import keyring
from cryptography.fernet import Fernet, InvalidToken
from keyring.errors import KeyringError

from .database import StoreError

SERVICE = "aidant-desk"
KEY_NAME = "dossiers"
KEY_FILE = "dossiers.key"
FERNET_PREFIX = "gAAAAA"  # how every Fernet token starts (version byte 0x80, then the time)


class DossierCipher:
    """Encrypts and decrypts one dossier's content; the bytes stored never hold it in clear."""

    def __init__(self, key: bytes, where: str):
        self._fernet = Fernet(key)
        self.where = where  # « trousseau du système » or the key file's path, for the settings screen

    def encrypt(self, content: bytes) -> bytes:
        return self._fernet.encrypt(content)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise StoreError("Ce dossier ne peut pas être déchiffré : la clé de ce poste n'est pas celle qui "
                             "l'a enregistré (ou le dossier est abîmé). Rien n'a été effacé.") from None

    def seal_text(self, text: str) -> str:
        """A text field (a note, a token) as stored: encrypted, or "" for nothing."""
        return self.encrypt(text.encode()).decode() if text else ""

    def open_text(self, stored: str) -> str:
        """A text field as sealed, or as an earlier version stored it in clear."""
        return self.decrypt(stored.encode()).decode() if stored.startswith(FERNET_PREFIX) else stored


@lru_cache(maxsize=4)
def cached_cipher(folder: Path) -> DossierCipher:
    """dossier_cipher looked up once per folder: the autosave, the agenda and the sync ask
    often, and a system keyring answers over D-Bus."""
    return dossier_cipher(folder)


def database_cipher(db) -> DossierCipher:
    """The desk's key, for a connection to its database (the key file sits beside it)."""
    return cached_cipher(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent)


def dossier_cipher(folder: Path) -> DossierCipher:
    """The desk's key: from the keyring, else from `folder`/dossiers.key, created on first use."""
    key = _from_keyring()
    if key:
        return DossierCipher(key, "trousseau du système")
    path = folder / KEY_FILE
    return DossierCipher(_from_file(path), str(path))


def _from_keyring() -> bytes | None:
    """The key kept in the keyring, created there if the keyring works; None without one."""
    try:
        stored = keyring.get_password(SERVICE, KEY_NAME)
        if stored:
            return stored.encode()
        key = Fernet.generate_key()
        keyring.set_password(SERVICE, KEY_NAME, key.decode())
        # Some backends accept a password and keep nothing: trust only what reads back.
        return key if keyring.get_password(SERVICE, KEY_NAME) == key.decode() else None
    except (KeyringError, RuntimeError, OSError):
        return None


def _from_file(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two desks starting together never write two keys; 0600 from the first byte.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key
