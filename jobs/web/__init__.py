"""The web front end (``kansenradar serve``): pages behind the signed links of digests and the coverage dashboard.

``jobs.web.tokens`` makes and reads the signed links (the digest imports only that module); ``jobs.web.app`` is
the Starlette application over the same use cases as the command line.
"""
