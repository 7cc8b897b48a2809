"""Qt widgets only: pages, dialogs, table models and the background-task helper. Data comes from services."""
