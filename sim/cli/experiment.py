"""Placeholder: this command group is added by its own module."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Nothing registered yet."""
