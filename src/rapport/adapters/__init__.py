"""Formats in and out: pure parsers and writers, no database.

Each importer is `parse(source, ...) -> Iterator[record | Skipped]` over plain
dataclasses (`adapters.records`), raising `ImportFailed` for a file it cannot read;
each exporter writes plain values to a text stream."""
