"""Kafka: the event envelope and typed messages, the publisher, the consumer runner and the outbox relay."""
