"""Provider adapters: one module per config ``type``, all behind ``base.Provider``."""
