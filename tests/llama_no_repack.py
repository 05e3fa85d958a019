"""`python -m llama_cpp.server` with llama.cpp's weight repacking switched off.

llama-cpp-python compiles llama.cpp with `-march=native`. On a CPU with AMX, llama.cpp then
repacks the weights into an AMX buffer at load, and the first matrix multiply dies with a
general protection fault in `ggml_backend_amx_mul_mat` (llama.cpp issue #20824): the server
answers `/models`, then crashes on its first completion. Repacking is a model parameter
(`use_extra_bufts`) that neither llama-cpp-python's `Llama` nor its server's options expose, so
it is turned off here, in the defaults every `Llama` starts from, before the server runs.
Without it the weights stay in the plain CPU buffer: correct on every CPU, whichever CPU built
the wheel (AMX or not), at the cost of the repacked kernels' speed, which a 270M test model
does not need. The arguments are the server's own.
"""

from __future__ import annotations

import runpy

import llama_cpp.llama_cpp as native

_defaults = native.llama_model_default_params


def _without_repacking() -> native.llama_model_params:
    params = _defaults()
    params.use_extra_bufts = False
    return params


if __name__ == "__main__":
    native.llama_model_default_params = _without_repacking
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
