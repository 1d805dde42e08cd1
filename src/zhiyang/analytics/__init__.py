"""Pure computational kernels: numpy/scipy on arrays, no Django, no I/O of ours.

Each module takes plain arrays and parameters and returns plain results, so the same code runs
in a request, in the worker, or on a Dask cluster. Standards' numbers live in
``analytics/standards/*.toml`` with their source and a ``confirmed`` flag, never as literals.
"""
