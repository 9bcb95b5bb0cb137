"""Logs, request ids, health, metrics and traces for every process."""
