"""The version of aiostrata.test_utils (pytest-aiostrata); hatchling reads it from here."""

__version__ = "0.1.0"
