"""Sub-commands of ``freehold`` beyond ``serve`` and ``check``, one module per group."""
