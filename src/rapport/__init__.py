"""Rapport: a local-first professional relationship manager."""

__version__ = "0.1.0"
