"""Small runnable aiostrata apps, one idea each (see README.md)."""
