"""French temporal expressions: recognition, TIMEX3 normalisation, honest intervals."""
