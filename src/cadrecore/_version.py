"""The version of cadrecore, in one place: the wheel's metadata is read from here, and the
package (``cadrecore.__version__``), the HTML report's footer, the xlsx export's sheet of facts
and the plugin listing's cache read it from here too (a module of any layer may: it imports
nothing)."""

__version__ = "0.1.0"
"""The version of cadrecore."""
