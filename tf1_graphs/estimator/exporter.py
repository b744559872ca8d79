"""`Exporter`, `FinalExporter`, `LatestExporter`: SavedModel exports that `train_and_evaluate` makes.

After each evaluation `train_and_evaluate` calls every exporter of the `EvalSpec` with the
checkpoint just evaluated.  `FinalExporter` exports once, when training has reached
`TrainSpec.max_steps`; `LatestExporter` exports every time and keeps the newest
`exports_to_keep` timestamped folders.  (`BestExporter` is not provided.)
"""
import abc
import os

import tensorflow as _tf

_v1 = _tf.compat.v1


class Exporter(abc.ABC):
    """A kind of model export, written under `<model_dir>/export/<name>/`."""

    @property
    @abc.abstractmethod
    def name(self):
        """The folder name under the export base for this exporter's exports."""

    @abc.abstractmethod
    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        """Exports `estimator` at `checkpoint_path` into `export_path`; the export's path, or None if skipped."""


class _SavedModelExporter(Exporter):
    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra = assets_extra
        self._as_text = as_text

    @property
    def name(self):
        return self._name

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        return estimator.export_saved_model(export_path, self._serving_input_receiver_fn,
                                            assets_extra=self._assets_extra, as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


class FinalExporter(_SavedModelExporter):
    """Exports once, at the end of training."""

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        if not is_the_final_export:
            return None
        _v1.logging.info("Performing the final export in the end of training.")
        return super().export(estimator, export_path, checkpoint_path, eval_result, is_the_final_export)


class LatestExporter(_SavedModelExporter):
    """Exports after every evaluation, keeping the newest `exports_to_keep` (all if None)."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False, exports_to_keep=5):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)
        if exports_to_keep is not None and exports_to_keep <= 0:
            raise ValueError("`exports_to_keep`, if provided, must be positive number")
        self._exports_to_keep = exports_to_keep

    def export(self, estimator, export_path, checkpoint_path, eval_result, is_the_final_export):
        result = super().export(estimator, export_path, checkpoint_path, eval_result, is_the_final_export)
        self._garbage_collect_exports(export_path)
        return result

    def _garbage_collect_exports(self, export_dir_base):
        """Deletes all but the newest exports (folders named by a 10-digit timestamp)."""
        if self._exports_to_keep is None or not _tf.io.gfile.isdir(export_dir_base):
            return
        versions = sorted(int(name) for name in _tf.io.gfile.listdir(export_dir_base)
                          if len(name.rstrip("/")) == 10 and name.rstrip("/").isdigit())
        for version in versions[:-self._exports_to_keep]:
            try:
                _tf.io.gfile.rmtree(os.path.join(export_dir_base, str(version)))
            except _tf.errors.NotFoundError as e:
                _v1.logging.warn("Can not delete %s recursively: %s", version, e)
