"""Code tables and the rule knowledge base."""
