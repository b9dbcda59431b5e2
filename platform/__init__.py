# The project package shares its name with a standard-library module; platform_shim.py
# explains why and swaps the genuine module (extended with this folder) into sys.modules.
# Keep project code out of this file: after the swap it is never seen again.
import platform_shim  # noqa: F401
