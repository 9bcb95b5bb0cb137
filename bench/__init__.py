"""Benchmarks that drive the running system over HTTP and print figures."""
