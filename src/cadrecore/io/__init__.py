"""Reading and writing ledgers: the ledger folder (YAML and CSV), and later spreadsheets."""

from .folder import FORMAT_VERSION, load_ledger, save_ledger

__all__ = ["FORMAT_VERSION", "load_ledger", "save_ledger"]
