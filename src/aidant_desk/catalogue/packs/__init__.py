"""Signed rules packs: built by a departmental publisher, verified and installed on a desk."""
from .archive import Pack, PackRefused, build_pack, generate_keys, key_fingerprint, read_pack, read_public_key
from .installed import install, installed_rules, installed_version, rollback, rules_version

__all__ = ["Pack", "PackRefused", "build_pack", "generate_keys", "key_fingerprint", "read_pack", "read_public_key",
           "install", "installed_rules", "installed_version", "rollback", "rules_version"]
