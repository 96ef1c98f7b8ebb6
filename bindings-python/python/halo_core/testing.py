"""Offline HaloPSA for tests: an in-process simulator with fault injection.

::

    from halo_core.testing import Fault, Sandbox

    with Sandbox() as sandbox:
        halo = sandbox.client(retry_base_delay=timedelta(milliseconds=5))
        sandbox.inject(Fault.status(503))
        halo.clients.upsert([{"name": "Acme"}])
        assert sandbox.records("Client")[0]["name"] == "Acme"

The sandbox serves real HTTP on a loopback port from a background thread
and stops when the ``with`` block ends (or on ``stop()``). It is a
simulator, not a copy of Halo: records are plain JSON without validation or
relations, and state lives in memory.
"""

from halo_core._native import Fault, FaultPlan, Sandbox

__all__ = ["Fault", "FaultPlan", "Sandbox"]
