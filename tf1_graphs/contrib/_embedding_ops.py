"""contrib.layers' embedding lookups: what TF 1.15's contrib.layers exported from its
embedding_ops.py and encoders.py (the hashed "scattered" lookups and the distributed-aggregation
lookup, which it kept unexported, are left out).

`safe_embedding_lookup_sparse` is TF 1.15's lookup that survives bad input: ids < 0 are
dropped, and so (unless `combiner="sum"`) are ids whose weight is <= 0; a row left empty gets
the embedding of `default_id`, or zeros without one.  TensorFlow 2.21 kept the same function
as `tf.compat.v1.nn.safe_embedding_lookup_sparse`; contrib's differed only in its default
combiner (None, warned about, meaning "mean") and in refusing non-float embeddings and weights.
`bow_encoder` averages a document's embeddings (`bow_encoder/embeddings`, a model variable):
with `sparse_lookup`, id 0 is padding and an all-padding row gets row 0's embedding.
"""
import tensorflow as _tf
from tensorflow.python.ops.variables import PartitionedVariable as _PartitionedVariable

from tf1_graphs.contrib.framework import model_variable

_v1 = _tf.compat.v1


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None, combiner=None,
                                 default_id=None, name=None, partition_strategy="div", max_norm=None):
    """Combined embeddings per row of `sparse_ids` (aggregated over its last axis), pruning
    invalid ids and weights and filling empty rows (see the module docstring)."""
    if combiner is None:
        _v1.logging.warn('The default value of combiner will change from "mean" to "sqrtn" after 2016/11/01.')
        combiner = "mean"
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    parts = list(embedding_weights) if isinstance(embedding_weights, (list, _PartitionedVariable)) else [
        embedding_weights]
    if not parts:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    tensors = [_tf.convert_to_tensor(part, dtype=dtype) for part in parts]
    for tensor in tensors + ([sparse_weights] if sparse_weights is not None else []):
        if not tensor.dtype.is_floating:
            raise ValueError(f"Expected floating point type, got {tensor.dtype}.")
        if tensor.dtype.base_dtype != tensors[0].dtype.base_dtype:
            raise ValueError(f"{tensor.name}, type={tensor.dtype} must be {tensors[0].dtype}.")
    return _v1.nn.safe_embedding_lookup_sparse(
        tensors, sparse_ids, sparse_weights, combiner=combiner, default_id=default_id, name=name,
        partition_strategy=partition_strategy, max_norm=max_norm)


def embedding_lookup_unique(params, ids, partition_strategy="mod", name=None):
    """`embedding_lookup` for ids of any shape, looking each distinct id up once."""
    with _v1.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
        ids = _tf.convert_to_tensor(ids)
        unique_ids, positions = _tf.unique(_tf.reshape(ids, [-1]))
        rows = _v1.nn.embedding_lookup(params, unique_ids, partition_strategy)
        embeds = _tf.reshape(_tf.gather(rows, positions), _tf.concat([_tf.shape(ids), _tf.shape(rows)[1:]], 0))
        embeds.set_shape(ids.shape.concatenate(rows.shape[1:]))
        return embeds


def _dense_to_sparse_ids(ids):
    """The non-zero entries of a dense id tensor, as a SparseTensor of its shape."""
    with _v1.name_scope("DenseToSparseTensor"):
        ids = _tf.convert_to_tensor(ids)
        indices = _tf.where(_tf.not_equal(ids, _tf.zeros([], ids.dtype)), name="indices")
        return _tf.SparseTensor(indices, _tf.gather_nd(ids, indices, name="values"),
                                _tf.shape(ids, out_type=_tf.int64, name="dense_shape"))


def bow_encoder(ids, vocab_size, embed_dim, sparse_lookup=True, initializer=None, regularizer=None,
                trainable=True, scope=None, reuse=None):
    """[batch, embed_dim]: the mean embedding of each row of `ids` (dense or SparseTensor)."""
    if not vocab_size or not embed_dim:
        raise ValueError("Must specify vocab size and embedding dimension")
    with _v1.variable_scope(scope, "bow_encoder", [ids], reuse=reuse):
        embeddings = model_variable("embeddings", shape=[vocab_size, embed_dim], initializer=initializer,
                                    regularizer=regularizer, trainable=trainable)
        if sparse_lookup:
            sparse_ids = ids if isinstance(ids, _tf.SparseTensor) else _dense_to_sparse_ids(ids)
            return safe_embedding_lookup_sparse([embeddings], sparse_ids, combiner="mean", default_id=0)
        if isinstance(ids, _tf.SparseTensor):
            raise TypeError(f"ids are expected to be dense Tensor, got: {ids}")
        return _tf.reduce_mean(_v1.nn.embedding_lookup(embeddings, ids), axis=1)
