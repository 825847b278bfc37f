"""The operator's dashboard, API, metrics and probes, served by the worker's Faust web server."""

from stream.app.web.views import Dashboard, register

__all__ = ["Dashboard", "register"]
