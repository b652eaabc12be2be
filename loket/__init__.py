"""loket: permit-office automation for DPMPTSP Kota Pekanbaru.

The package holds the pure domain logic (no Prefect imports); ``flows/`` composes it into
Prefect flows and deployments.
"""

__version__ = "0.1.0"
