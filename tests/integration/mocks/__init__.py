"""Loopback mocks of vendor APIs, one module per vendor."""
