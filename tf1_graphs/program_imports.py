"""TensorFlow is TF 1.x inside a program's own folder tree, and TensorFlow 2 everywhere else.

The mechanism: every module of the program's tree runs with its own copy of the builtins,
whose `__import__` answers `tensorflow` and `tensorflow.*` from `tf1_graphs.tf`; the
program's `__main__` gets that copy from the runner, and its other modules get it from a
path finder that loads the tree's `.py` files with it.  Why this and not the alternatives:
- `sys.modules["tensorflow"]` is one entry for the whole process: replacing it would hand
  TF 1.x to TensorFlow itself, tf_keras and every library, which must keep TensorFlow 2.
- A loader that rewrote the program's import statements would have to keep a second,
  rewritten copy of each file's bytecode (or none at all), and be taught every spelling of
  an import; here the source, its line numbers, its `.pyc` cache and its tracebacks are
  exactly Python's, and an import written anywhere (inside a function, under `try`) is seen.
The limits: `importlib.import_module("tensorflow")` bypasses `__import__` and gives TF 2;
the copy of the builtins is taken once, so names added to `builtins` later are not in it.

What the program's `__import__` gives:
- `tensorflow` (`import tensorflow as tf`, `import tensorflow`, any alias): `tf1_graphs.tf`;
- `tensorflow.X.Y` (`contrib.rnn`, `contrib.layers`, `keras.layers`, ...): the attribute
  path in `tf1_graphs.tf`;
- `tensorflow.examples.*`: `tf1_graphs.examples.*` (the MNIST reader);
- `tensorflow.python.*`, `tensorflow.core.*`, and any `tensorflow.X` that TF 1.15's namespace
  lacked: TensorFlow's own modules.
A piece TF 1.15 had and tf1_graphs lacks, asked for by a module path or by `from ... import
name`, is an `ImportNotProvided`: an ImportError, so `try: ... except ImportError:` still
takes the program's fallback, and the runner's one line when nothing catches it.  A name TF
1.15 never had is Python's own ImportError, worded as TF 1.15 words it.  TensorFlow itself
loads on the program's first `import tensorflow`: a program that never imports it runs
without it.
"""
import builtins
import importlib
import importlib.machinery
import importlib.util
import os
import site
import sys
import sysconfig
import types

from tf1_graphs.refusals import ImportNotProvided, NotProvided

_TENSORFLOWS_OWN = ("python", "core")  # internals programs import directly (ops, protos)


def _tf1():
    """`tf1_graphs.tf`, loaded (with TensorFlow) by the program's first `import tensorflow`."""
    from tf1_graphs.namespace import tf

    return tf


def _import_tensorflow(name, fromlist):
    tf = _tf1()
    parts = name.split(".")[1:]
    if parts[:1] == ["examples"]:
        module = importlib.import_module("tf1_graphs." + ".".join(parts))
        tf.examples = sys.modules["tf1_graphs.examples"]  # as importing a submodule binds it on its parent
        if fromlist:
            builtins.__import__(module.__name__, None, None, fromlist, 0)  # the submodules it names
    else:
        module = _tf1_module(tf, name, parts)
        if module is None:
            imported = builtins.__import__(name, None, None, fromlist, 0)
            return imported if fromlist else tf
    if not fromlist:
        return tf
    for item in fromlist:
        if item != "*":
            _check_importable(module, name, item)
    return module


def _tf1_module(tf, name, parts):
    """`tf.<parts>`; None for TensorFlow's own modules (not under a TF 1.x name)."""
    if parts[:1] and parts[0] in _TENSORFLOWS_OWN:
        return None
    found = tf
    for depth, part in enumerate(parts):
        try:
            found = getattr(found, part)
        except NotProvided as refusal:
            raise ImportNotProvided(str(refusal), name=name) from None
        except AttributeError:
            if depth == 0:
                return None  # no TF 1.x name: TensorFlow's own module, or its ModuleNotFoundError
            missing = ".".join(["tensorflow", *parts[:depth + 1]])
            raise ModuleNotFoundError(f"No module named {missing!r}", name=missing) from None
    return found


def _check_importable(module, name, item):
    """`from <name> import <item>`: refused by name if TF 1.15 had it, else Python's own ImportError."""
    try:
        getattr(module, item)
    except NotProvided as refusal:
        raise ImportNotProvided(str(refusal), name=name) from None
    except AttributeError:
        raise ImportError(f"cannot import name {item!r} from {name!r} (unknown location)", name=name) from None


def _tf1_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and (name == "tensorflow" or name.startswith("tensorflow.")):
        return _import_tensorflow(name, fromlist or ())
    return builtins.__import__(name, globals, locals, fromlist, level)


TF1_BUILTINS = dict(vars(builtins), __import__=_tf1_import)
"""The builtins a program's modules run with: Python's own, but for `__import__`."""


def _package_folder(name):
    """Where package `name` lies, found without importing it (TensorFlow takes seconds to load)."""
    spec = importlib.util.find_spec(name)
    return list(spec.submodule_search_locations)[0]


def _is_within(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class ProgramTree:
    """The folder whose `.py` files are the program's, less the interpreter's and the libraries'.

    A program folder may hold a virtual environment, or be this repository: TensorFlow,
    tf_keras, tf1_graphs and the installed packages stay out even when they lie inside it.
    """

    def __init__(self, root):
        self.root = os.path.realpath(root)
        paths = sysconfig.get_paths()
        libraries = [paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")]
        libraries += site.getsitepackages() + [site.getusersitepackages()]
        libraries += [_package_folder(name) for name in ("tensorflow", "tf_keras", "tf1_graphs")]
        self.excluded = sorted({os.path.realpath(folder) for folder in libraries
                                if not _is_within(self.root, os.path.realpath(folder))})

    def __contains__(self, filename):
        if filename.startswith("<"):  # "<frozen importlib._bootstrap>", "<string>": no file
            return False
        path = os.path.realpath(filename)
        return _is_within(path, self.root) and not any(_is_within(path, folder) for folder in self.excluded)


class _ProgramLoader(importlib.machinery.SourceFileLoader):
    """Python's own source loader, but the module's code runs with `TF1_BUILTINS`.

    The module gets them when it is made, so Python's own `exec_module` runs it: no frame of
    ours stands in the program's tracebacks, and Python trims its import machinery from them.
    """

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__builtins__ = TF1_BUILTINS
        return module


class _ProgramFinder:
    """Finds modules as Python's path finder does; those in the program's tree get `_ProgramLoader`."""

    def __init__(self, tree):
        self.tree = tree

    def find_spec(self, name, path=None, target=None):
        if name in sys.builtin_module_names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if (spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader)
                or spec.origin not in self.tree):
            return None
        spec.loader = _ProgramLoader(spec.loader.name, spec.loader.path)
        return spec


def redirect_imports(tree):
    """From now on, modules imported from `tree` see TF 1.x (`__main__` gets `TF1_BUILTINS` from the runner)."""
    sys.meta_path.insert(0, _ProgramFinder(tree))
