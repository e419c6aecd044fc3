"""The gateway file: strict models, secret references, loading with path-named errors."""
