"""The NLP core: plain functions and spaCy components, free of Kafka and Faust."""
