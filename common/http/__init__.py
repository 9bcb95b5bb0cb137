"""HTTP between processes: the outbound client and balancer, the caller's address, the edge's worker."""
