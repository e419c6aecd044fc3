"""Suite-wide: no test touches the user's own state directory (the default embedded database)."""

from __future__ import annotations

import os
import tempfile

# Set at import, before any test builds settings: tests that start a runtime or run a CLI
# command without a state directory of their own get this throwaway one.
os.environ.setdefault("FREEHOLD_STATE_DIR", tempfile.mkdtemp(prefix="freehold-tests-"))
