"""What this package needs from the layer above it."""

from .handler_factory import ProtocolFactoryMaker

__all__ = ("ProtocolFactoryMaker",)
