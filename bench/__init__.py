"""The benchmark: the real server under load on 127.0.0.1 (`python -m bench`)."""
