"""The demo application served by ``python3 tools/dev.py demo``."""
