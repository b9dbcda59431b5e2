#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
    from django.core.management import execute_from_command_line

    import platform_shim  # noqa: F401  (the project package shares its name with a stdlib module)

    execute_from_command_line(sys.argv)
