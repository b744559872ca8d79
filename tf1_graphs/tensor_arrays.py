"""TF 1.15's `TensorArray.size()` in graphs: always a `TensorArraySizeV3` op.

TF 2.21 answers the size of a fixed-size TensorArray with a constant and makes no op, so
`stack()`, which asks for it, makes one op fewer than TF 1.15 did: after every
`dynamic_rnn` (its outputs are stacked), every later op would have another implicit op seed.
"""
from tensorflow.python.ops import gen_data_flow_ops, tensor_array_ops

_GraphTensorArray = tensor_array_ops._GraphTensorArray
TF221_SIZE = _GraphTensorArray.size  # TF 2.21's, kept for the tests' broken twin


def _size(self, name=None):
    """The number of elements, read from the TensorArray at run time (TF 1.15)."""
    return gen_data_flow_ops.tensor_array_size_v3(handle=self._handle, flow_in=self.flow, name=name)


def use_tf115_tensor_array_size():
    """Graph-mode TensorArrays ask their size as TF 1.15's did (idempotent)."""
    _GraphTensorArray.size = _size
