"""The HTTP server around the app: connection guards, their limits, and the drain at shutdown.

uvicorn serves the app; this package adds what it leaves unbounded (connections that send
nothing, oversized or endless request heads, too many connections) and ends the requests still
running when a shutdown's drain time is over. ``limits`` is imported by the API layer and the
CLI; ``protocol`` (which imports uvicorn) only by uvicorn itself, from the ``http=`` option.
"""
