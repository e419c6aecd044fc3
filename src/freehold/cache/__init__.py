"""Exact and semantic caching of answers (docs/caching.md): a stage that may answer a request itself."""
