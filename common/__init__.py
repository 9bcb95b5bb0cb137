"""Cross-cutting code shared by every Fragmart process."""
