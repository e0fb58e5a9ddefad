"""Rosters (离退休干部花名册) written the way county bureaus write them, each with a key of what
importing it must give: see :mod:`tests.rosters.corpus`."""
