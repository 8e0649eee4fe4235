"""UN document text → one named graph with per-triple provenance (``untoc-kg ingest``, docs/ingest.md)."""
