"""Prefect flows and deployments of loket.

Importing this package applies loket's Prefect defaults (see
:func:`flows.runtime.apply_prefect_defaults`) before any flow module imports Prefect, and masks
personal data (NIK, phone numbers) in every log record (:mod:`loket.common.logmask`). A broken
``loket.toml`` is left to the command that loads it, so that it is reported, not raised at import.
"""

import contextlib

from flows.runtime import apply_prefect_defaults
from loket.common.logmask import install as install_log_masking
from loket.common.settings import ConfigError

# a broken loket.toml: the command that loads the settings reports it (and exits)
with contextlib.suppress(ConfigError):
    apply_prefect_defaults()
install_log_masking()
