"""A tiny application: proves the venv, its console script and the interpreter work in the image."""
import platform
import sys


def main() -> None:
    print(f"Hello from demo-app in {sys.prefix} (Python {platform.python_version()}, {platform.machine()})")
