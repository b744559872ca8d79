"""`tf.contrib.framework`: `arg_scope`, the variable helpers, the global step and `nest`.

`arg_scope` and `add_arg_scope` live here once; `tf.contrib.layers` decorates its functions
with this `add_arg_scope`, so `arg_scope([layers.fully_connected], ...)` works as in TF 1.15.
The global step functions and `nest` are TF 2.21's own (`tf.compat.v1.train`, `tf.nest`'s
module); TF 1.15's `nest.is_sequence` is its later name `is_nested`.
"""
import contextlib
import functools
import types

import tensorflow as _tf
from tensorflow.python.util import nest as _tf_nest


_v1 = _tf.compat.v1

get_global_step = _v1.train.get_global_step
create_global_step = _v1.train.create_global_step
get_or_create_global_step = _v1.train.get_or_create_global_step
assert_global_step = _v1.train.assert_global_step

nest = types.ModuleType("tf1_graphs.contrib.framework.nest", "TensorFlow's nest, with TF 1.15's `is_sequence`.")
nest.__dict__.update({k: v for k, v in vars(_tf_nest).items() if not k.startswith("_")})
nest.is_sequence = _tf_nest.is_nested

# ---- arg_scope ------------------------------------------------------------------------------
_ARG_STACK = [{}]  # each entry maps a decorated function's key to its default keyword arguments
_DECORATED = {}  # a decorated function's key -> the names of its arguments that have defaults


def arg_scope_func_key(op):
    return getattr(op, "_key_op", str(op))


def current_arg_scope():
    return _ARG_STACK[-1]


def has_arg_scope(func):
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func):
    assert has_arg_scope(func)
    return _DECORATED[arg_scope_func_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Default keyword arguments for the listed `@add_arg_scope` functions; a dict re-enters a scope."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    elif isinstance(list_ops_or_scope, (list, tuple)):
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(f"{getattr(op, '__name__', op)} is not decorated with @add_arg_scope")
            key = arg_scope_func_key(op)
            scope[key] = {**scope.get(key, {}), **kwargs}
    else:
        raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)")
    _ARG_STACK.append(scope)
    try:
        yield scope
    finally:
        _ARG_STACK.pop()


def add_arg_scope(func):
    """Lets `arg_scope` supply `func`'s keyword arguments; explicit ones still win."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        return func(*args, **{**current_arg_scope().get(key, {}), **kwargs})

    # TF 1.15 meant these names but sliced them from the end of co_varnames, locals included, so
    # for functions with local variables it returned a cut or empty tuple (its batch_norm: ())
    code = func.__code__
    _DECORATED[key] = code.co_varnames[code.co_argcount - len(func.__defaults__ or ()):code.co_argcount]
    func_with_args._key_op = key
    return func_with_args


# ---- variables ------------------------------------------------------------------------------
@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None, synchronization=_v1.VariableSynchronization.AUTO,
             aggregation=_v1.VariableAggregation.NONE):
    """`get_variable` into `collections` (default: the global variables), on `device` if given
    (a name or, as `tf.device` in TF 1.x, a function of the op).  A `custom_getter` is called in
    get_variable's place, with the scope's `reuse` added, as TF 1.15 called it."""
    collections = list(set(collections if collections is not None else [_v1.GraphKeys.GLOBAL_VARIABLES]))
    getter = _v1.get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=_v1.get_variable_scope().reuse)
    with _v1.device(device or ""):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                      trainable=trainable, collections=collections, caching_device=caching_device,
                      partitioner=partitioner, use_resource=use_resource, synchronization=synchronization,
                      aggregation=aggregation)


@add_arg_scope
def model_variable(name, shape=None, dtype=_tf.float32, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None,
                   synchronization=_v1.VariableSynchronization.AUTO, aggregation=_v1.VariableAggregation.NONE):
    """A `variable` that is also in `MODEL_VARIABLES` (what a checkpoint of the model holds)."""
    collections = list(collections or []) + [_v1.GraphKeys.GLOBAL_VARIABLES, _v1.GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                    trainable=trainable, collections=collections, caching_device=caching_device,
                    device=device, partitioner=partitioner, custom_getter=custom_getter,
                    use_resource=use_resource, synchronization=synchronization, aggregation=aggregation)


def get_variables(scope=None, suffix=None, collection=_v1.GraphKeys.GLOBAL_VARIABLES):
    """The collection's variables whose names match `scope` (a prefix regex) and end in `suffix`."""
    if isinstance(scope, _v1.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return _v1.get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, _v1.GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, _v1.GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, _v1.GraphKeys.TRAINABLE_VARIABLES)


def get_variables_by_suffix(suffix, scope=None):
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """Variables whose last name component is exactly `given_name`."""
    return get_variables(scope=scope, suffix=f"/{given_name}:|^{given_name}:")


def get_unique_variable(var_op_name):
    candidates = get_variables(scope=var_op_name)
    matches = [v for v in candidates if v.op.name == var_op_name]
    if not candidates or not matches:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    return matches[0]


def get_variables_to_restore(include=None, exclude=None):
    """The model's variables (all global ones by default) under `include`, minus those under `exclude`."""
    if include is None:
        chosen = get_variables()
    else:
        chosen = [v for scope in include for v in get_variables(scope)]
    excluded = {v for scope in (exclude or ()) for v in get_variables(scope)}
    return [v for v in chosen if v not in excluded]

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
