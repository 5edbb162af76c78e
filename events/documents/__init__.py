"""Shared document tools: one sandboxed, bounded PDF renderer, QR codes, spreadsheets and upload checks.

Layer 2: imports only from `core`. Everything here works on plain values (strings, numbers, dicts, bytes),
never on database objects, so callers of every layer above can use it.
"""
