"""Prefect flows and deployments of loket.

Importing this package applies loket's Prefect defaults (see
:func:`loket.config.apply_prefect_defaults`) before any flow module imports Prefect.
"""

from loket.config import apply_prefect_defaults

apply_prefect_defaults()
