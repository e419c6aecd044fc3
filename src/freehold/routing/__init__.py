"""Choosing which deployments serve a request."""
