"""`tf.contrib.training.HParams`: named, typed hyperparameters, overridable from a string or JSON.

Each hyperparameter keeps the type of its first value (a list's, the type of its first
element). `parse("lr=0.1,layers=[64,32],use_gpu=true")` converts text to that type;
`set_hparam` accepts only values of a compatible type (no float into an int, no number
into a bool or a string) and keeps a value whose type is exactly the parameter's as it is.
Errors are TF 1.15's ValueErrors, word for word.  `to_proto`, `from_proto` and
`HParams(hparam_def=...)` use TF 1.15's `HParamDef` message, rebuilt here from its schema
(TensorFlow 2 dropped it), so its bytes are TF 1.15's.
"""
import json
import numbers
import re

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from tensorflow.python.framework import ops as _ops


# name, an optional [index], '=', then a scalar or a bracketed list, then ',' or the end
PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)
  (\[\s*(?P<index>\d+)\s*\])?
  \s*=\s*
  ((?P<val>[^,\[]*)
   |
   \[(?P<vals>[^\]]*)\])
  ($|,\s*)""", re.VERBOSE)


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value '{value}' in {values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _process_scalar_value(name, parse_fn, var_type, m_dict, values, results):
    try:
        parsed = parse_fn(m_dict["val"])
    except ValueError:
        _parse_fail(name, var_type, m_dict["val"], values)
    if m_dict["index"] is None:
        if name in results:
            _reuse_fail(name, values)
        results[name] = parsed
        return
    if name in results and not isinstance(results[name], dict):
        _reuse_fail(name, values)
    indexed = results.setdefault(name, {})
    index = int(m_dict["index"])
    if index in indexed:
        _reuse_fail(f"{name}[{index}]", values)
    indexed[index] = parsed


def _process_list_value(name, parse_fn, var_type, m_dict, values, results):
    if m_dict["index"] is not None:
        raise ValueError("Assignment of a list to a list index.")
    if name in results:
        _reuse_fail(name, values)
    elements = [e for e in re.split("[ ,]", m_dict["vals"]) if e]
    try:
        results[name] = [parse_fn(e) for e in elements]
    except ValueError:
        _parse_fail(name, var_type, m_dict["vals"], values)


def _bool_parser(name, values):
    def parse_bool(value):
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        try:
            return bool(int(value))
        except ValueError:
            _parse_fail(name, bool, value, values)
    return parse_bool


def parse_values(values, type_map, ignore_unknown=False):
    """'a=1,b=[2,3]' -> {'a': 1, 'b': [2, 3]}, each value converted by `type_map[name]`."""
    results = {}
    pos = 0
    while pos < len(values):
        m = PARAM_RE.match(values, pos)
        if not m:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = m.end()
        m_dict = m.groupdict()
        name = m_dict["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        type_ = type_map[name]
        parse = _bool_parser(name, values) if type_ is bool else type_
        if m_dict["val"] is not None:
            _process_scalar_value(name, parse, type_, m_dict, values, results)
        elif m_dict["vals"] is not None:
            _process_list_value(name, parse, type_, m_dict, values, results)
        else:
            _parse_fail(name, type_, "", values)
    return results


def _cast_to_type_if_compatible(name, param_type, value):
    fail_msg = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) is param_type:  # kept as given: isinstance would let True pass for an int
        return value
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail_msg)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail_msg)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail_msg)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail_msg)
    return param_type(value)


def _hparam_def_class():
    """TF 1.15's `tensorflow.HParamDef` (contrib/training/python/training/hparam.proto): a map
    from name to one value or list of int64, float, bytes or bool, with TF 1.15's field numbers."""
    scalar = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name="tf1_graphs/hparam.proto", package="tensorflow",
                                              syntax="proto3")
    hparam_def = file.message_type.add(name="HParamDef")
    for list_name, value_type in [("BytesList", scalar.TYPE_BYTES), ("FloatList", scalar.TYPE_FLOAT),
                                  ("Int64List", scalar.TYPE_INT64), ("BoolList", scalar.TYPE_BOOL)]:
        hparam_def.nested_type.add(name=list_name).field.add(
            name="value", number=1, label=scalar.LABEL_REPEATED, type=value_type)
    kinds = hparam_def.nested_type.add(name="HParamType")
    kinds.oneof_decl.add(name="kind")
    for name, number, value_type, list_name in [
            ("int64_value", 1, scalar.TYPE_INT64, None), ("float_value", 2, scalar.TYPE_FLOAT, None),
            ("bytes_value", 3, scalar.TYPE_BYTES, None), ("bool_value", 7, scalar.TYPE_BOOL, None),
            ("int64_list", 4, scalar.TYPE_MESSAGE, "Int64List"), ("float_list", 5, scalar.TYPE_MESSAGE, "FloatList"),
            ("bytes_list", 6, scalar.TYPE_MESSAGE, "BytesList"), ("bool_list", 8, scalar.TYPE_MESSAGE, "BoolList")]:
        kinds.field.add(name=name, number=number, label=scalar.LABEL_OPTIONAL, type=value_type, oneof_index=0,
                        type_name=f".tensorflow.HParamDef.{list_name}" if list_name else None)
    entry = hparam_def.nested_type.add(name="HparamEntry", options=descriptor_pb2.MessageOptions(map_entry=True))
    entry.field.add(name="key", number=1, label=scalar.LABEL_OPTIONAL, type=scalar.TYPE_STRING)
    entry.field.add(name="value", number=2, label=scalar.LABEL_OPTIONAL, type=scalar.TYPE_MESSAGE,
                    type_name=".tensorflow.HParamDef.HParamType")
    hparam_def.field.add(name="hparam", number=1, label=scalar.LABEL_REPEATED, type=scalar.TYPE_MESSAGE,
                         type_name=".tensorflow.HParamDef.HparamEntry")
    pool = descriptor_pool.DescriptorPool()  # our own: TensorFlow 2's pool may one day hold the name
    return message_factory.GetMessageClass(pool.Add(file).message_types_by_name["HParamDef"])


HParamDef = _hparam_def_class()


def _kind_name(param_type, is_list):
    """The HParamType field a parameter of this type is stored in (bool before int: True is an int)."""
    for python_types, kind in [(bool, "bool"), (int, "int64"), ((str, bytes), "bytes"), (float, "float")]:
        if issubclass(param_type, python_types):
            return kind + ("_list" if is_list else "_value")
    raise ValueError(f"Unsupported parameter type: {param_type}")


def _as_str(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _as_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else value


class HParams:
    """Hyperparameters as attributes: `HParams(learning_rate=0.1, layers=[64, 32])`."""

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        self._hparam_types = {}
        self._model_structure = model_structure
        if hparam_def:
            self._init_from_proto(hparam_def)
            if kwargs:
                raise ValueError("hparam_def and initialization values are mutually exclusive")
        else:
            for name, value in kwargs.items():
                self.add_hparam(name, value)

    def _init_from_proto(self, hparam_def):
        assert isinstance(hparam_def, HParamDef), f"hparam_def must be an HParamDef, got {type(hparam_def)}"
        for name, value in hparam_def.hparam.items():
            kind = value.WhichOneof("kind")
            stored = getattr(value, kind)
            convert = {"int64": int, "bytes": _as_str}.get(kind.split("_")[0], lambda v: v)
            if kind.endswith("_value"):
                self.add_hparam(name, convert(stored))
            else:
                self.add_hparam(name, [convert(v) for v in stored.value])

    def to_proto(self, export_scope=None):
        """The values as an HParamDef message (str values as UTF-8 bytes)."""
        del export_scope  # as in TF 1.15: nothing in an HParams is scoped
        proto = HParamDef()
        for name, (param_type, is_list) in self._hparam_types.items():
            kind = _kind_name(param_type, is_list)
            value = getattr(self, name)
            if is_list:
                getattr(proto.hparam[name], kind).value.extend(
                    [_as_bytes(v) for v in value] if kind.startswith("bytes") else value)
            else:
                setattr(proto.hparam[name], kind, _as_bytes(value) if kind.startswith("bytes") else value)
        return proto

    @staticmethod
    def from_proto(hparam_def, import_scope=None):
        del import_scope
        return HParams(hparam_def=hparam_def)

    def add_hparam(self, name, value):
        """A new hyperparameter; its type is fixed from now on."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Set an existing hyperparameter, checked against its type (KeyError if unknown)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name):
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Override from 'name=value,name=[v1,v2],...'; returns self."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The values as JSON; callables (which JSON cannot hold) are left out."""
        def remove_callables(x):
            if isinstance(x, dict):
                return {k: remove_callables(v) for k, v in x.items() if not callable(v)}
            if isinstance(x, list):
                return [remove_callables(i) for i in x if not callable(i)]
            return x
        return json.dumps(remove_callables(self.values()), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key, default=None):
        """The value of `key`, or `default` if absent; a default of an incompatible type is refused."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_param_list = self._hparam_types[key]
            type_str = f"list<{param_type}>" if is_param_list else str(param_type)
            fail_msg = f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
            if is_param_list != isinstance(default, list):
                raise ValueError(fail_msg)
            try:
                for value in (default if is_param_list else [default]):
                    _cast_to_type_if_compatible(key, param_type, value)
            except ValueError as e:
                raise ValueError(f"{fail_msg}. {e}") from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return ",".join(f"{k}={v}" for k, v in self.values().items())

    def __repr__(self):
        return f"{type(self).__name__}({sorted(self.values().items())})"

# HParams kept in the graph's "hparams" collection are written into, and read from, MetaGraphs
_ops.register_proto_function("hparams", proto_type=HParamDef, to_proto=HParams.to_proto,
                             from_proto=HParams.from_proto)

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
