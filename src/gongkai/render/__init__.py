"""Render: a Report → a standard report document (HTML)."""

from gongkai.render.html import render_html

__all__ = ["render_html"]
