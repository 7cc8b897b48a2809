"""Dialogs for entering and changing records; every rule is checked by the service they call."""
