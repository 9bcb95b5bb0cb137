"""Page objects: one per fragment, exposing what a shopper intends to do."""
