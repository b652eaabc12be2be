"""Prefect flows and deployments of loket.

Importing this package applies loket's Prefect defaults (see
:func:`loket.config.apply_prefect_defaults`) before any flow module imports Prefect, and masks
personal data (NIK, phone numbers) in every log record (:mod:`loket.logmask`).
"""

from loket.config import apply_prefect_defaults
from loket.logmask import install as install_log_masking

apply_prefect_defaults()
install_log_masking()
