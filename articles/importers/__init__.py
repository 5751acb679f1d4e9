"""Importing articles from other systems.

``parsed`` holds the plain types every format produces, ``formats`` one module per
source format (bytes in, parsed items out), and ``writer`` the one place that writes
them to the database. Nothing is imported here, so reading ``parsed`` or a format
needs no configured Django.
"""
