"""Read: bytes → a neutral Document of paragraphs and table grids, one reader per format."""

from gongkai.read.document import Block, Cell, Document, Item, Origin, Paragraph, Table
from gongkai.read.errors import ReadError
from gongkai.read.registry import Reader, read_bytes, read_path, readers, register, supported_extensions

__all__ = [
    "Block",
    "Cell",
    "Document",
    "Item",
    "Origin",
    "Paragraph",
    "ReadError",
    "Reader",
    "Table",
    "read_bytes",
    "read_path",
    "readers",
    "register",
    "supported_extensions",
]
