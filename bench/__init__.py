"""Benchmarks: each sub-package starts a real gunicorn server on 127.0.0.1 and drives it from this process."""
