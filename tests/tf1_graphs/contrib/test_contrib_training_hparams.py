"""contrib.training.HParams: TF 1.15's parse syntax, type rules, JSON and error messages."""
import json

import pytest

from tf1_graphs import tf

HParams = tf.contrib.training.HParams


def make():
    return HParams(learning_rate=0.1, num_layers=2, name="lstm", use_peepholes=False, sizes=[64, 32])


def test_values_and_attributes():
    hp = make()
    assert hp.num_layers == 2 and "sizes" in hp and "other" not in hp
    assert hp.values() == {"learning_rate": 0.1, "num_layers": 2, "name": "lstm", "use_peepholes": False,
                           "sizes": [64, 32]}
    assert str(HParams(a=1, b="x")) == "a=1,b=x"
    assert repr(HParams(b=1, a=2)) == "HParams([('a', 2), ('b', 1)])"


def test_parse_converts_each_value_to_its_type():
    hp = make()
    assert hp.parse("learning_rate=3,num_layers=4, name=gru,use_peepholes=true,sizes=[8, 16,32]") is hp
    assert hp.values() == {"learning_rate": 3.0, "num_layers": 4, "name": "gru", "use_peepholes": True,
                           "sizes": [8, 16, 32]}
    assert isinstance(hp.learning_rate, float) and not isinstance(hp.learning_rate, int)
    for text, value in [("False", False), ("1", True), ("0", False)]:
        assert make().parse(f"use_peepholes={text}").use_peepholes is value


@pytest.mark.parametrize("text,message", [
    ("num_layers=2.5", r"Could not parse hparam 'num_layers' of type 'int' with value '2.5' in num_layers=2.5"),
    ("use_peepholes=yes", r"Could not parse hparam 'use_peepholes' of type 'bool' with value 'yes'"),
    ("depth=3", r"Unknown hyperparameter type for depth"),
    ("num_layers=1,num_layers=2", r"Multiple assignments to variable 'num_layers' in num_layers=1,num_layers=2"),
    ("=3", r"Malformed hyperparameter value: =3"),
    ("num_layers=[1,2]", r"Must not pass a list for single-valued parameter: num_layers"),
    ("sizes=3", r"Must pass a list for multi-valued parameter: sizes\."),
    ("sizes[0]=[1]", r"Assignment of a list to a list index\."),
])
def test_parse_errors_are_tf115s(text, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        make().parse(text)


def test_set_hparam_type_rules():
    hp = make()
    hp.set_hparam("learning_rate", 1)  # an int is a fine float
    assert hp.learning_rate == 1.0 and isinstance(hp.learning_rate, float)
    for name, value in [("num_layers", 2.5), ("use_peepholes", 1), ("name", 3), ("learning_rate", True)]:
        with pytest.raises(ValueError, match=f"Could not cast hparam '{name}' of type"):
            hp.set_hparam(name, value)
    with pytest.raises(KeyError):
        hp.set_hparam("depth", 1)


def test_add_hparam_errors():
    hp = make()
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: parse"):
        hp.add_hparam("parse", 1)
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: num_layers"):
        hp.add_hparam("num_layers", 1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: xs"):
        hp.add_hparam("xs", [])
    hp.del_hparam("num_layers")
    assert "num_layers" not in hp and not hasattr(hp, "num_layers")


def test_json_round_trip_and_override_from_dict():
    hp = make()
    hp.add_hparam("activation", abs)
    text = hp.to_json(sort_keys=True)
    assert "activation" not in json.loads(text)  # callables cannot be JSON
    other = make().override_from_dict({"num_layers": 7, "sizes": [1]})
    assert other.parse_json(make().to_json()).values() == make().values()
    assert make().parse_json('{"num_layers": 9}').num_layers == 9
    with pytest.raises(ValueError, match="Could not cast hparam 'num_layers'"):
        make().parse_json('{"num_layers": 9.5}')


def test_get_with_defaults():
    hp = make()
    assert hp.get("num_layers", 5) == 2 and hp.get("missing", 5) == 5
    with pytest.raises(ValueError, match=r"Hparam 'num_layers' of type '<class 'int'>' is incompatible with default=x"):
        hp.get("num_layers", "x")
    with pytest.raises(ValueError, match="is incompatible with default=3"):
        hp.get("sizes", 3)


def test_hparam_def_round_trip_and_non_protos_refused_as_in_tf115():
    hp = make()
    back = HParams.from_proto(hp.to_proto()).values()
    assert back.pop("learning_rate") == 0.10000000149011612  # HParamDef's floats are float32, as in TF 1.15
    assert back == {k: v for k, v in hp.values().items() if k != "learning_rate"}
    with pytest.raises(AssertionError, match="hparam_def must be an HParamDef"):
        HParams(hparam_def=object())
    with pytest.raises(ValueError, match="hparam_def and initialization values are mutually exclusive"):
        HParams(hparam_def=hp.to_proto(), a=1)
