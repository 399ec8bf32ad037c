"""Every read of the feedback app that is more than a ``get()``, one module per topic."""
