"""HTTP front doors: thin handlers that parse, call the gateway, and render."""
