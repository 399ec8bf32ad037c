"""Every write of the feedback app, one module per topic (builder, distribution, responses...)."""
