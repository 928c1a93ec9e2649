"""HTTP routes, one module per resource; each route parses, authorises, calls a service, shows."""
