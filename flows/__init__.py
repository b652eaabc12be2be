"""Prefect flows and deployments of loket.

Importing this package applies loket's Prefect defaults (see
:func:`flows.runtime.apply_prefect_defaults`) before any flow module imports Prefect, and masks
personal data (NIK, phone numbers) in every log record (:mod:`loket.common.logmask`). A broken
``loket.toml`` raises its ConfigError here: a command loads the settings (and reports a bad
file) before it imports the flows.
"""

from flows.runtime import apply_prefect_defaults
from loket.common.logmask import install as install_log_masking

apply_prefect_defaults()
install_log_masking()
