"""Making the gateway's work visible.

``metrics.py`` defines every Prometheus metric; ``observer.py`` turns the resilience engine's
decisions into metrics and log lines; ``requests.py`` counts requests for the API layer.
"""
