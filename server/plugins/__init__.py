"""Built-in meeting formats, registered through the same plugin manager as installed ones."""
