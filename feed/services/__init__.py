"""Feed selection: which videos a viewer sees next, and why."""
