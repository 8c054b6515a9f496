"""Distributed runs on Dask (the optional `dask` extra): the same per-file pipeline, mapped over a manifest.

`extract_distributed` and `ingest_distributed` (in `run`) drive a cluster; `tasks` holds what the
workers run. Dask itself is imported only when a distributed run starts.
"""

from gongkai.distributed.run import (
    DistributedError,
    DistributedSummary,
    extract_distributed,
    ingest_distributed,
    read_ledger,
)

__all__ = ["DistributedError", "DistributedSummary", "extract_distributed", "ingest_distributed", "read_ledger"]
