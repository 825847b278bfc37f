"""The Faust layer: thin. It batches, calls the core off the event loop, publishes and counts."""
