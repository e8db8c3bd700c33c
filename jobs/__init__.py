"""Jobs: the ``kansenradar`` command line, scheduled runs, digests and reports."""
