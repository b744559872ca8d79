"""`tf.contrib.seq2seq`: all 29 names TF 1.15.5 exported, in modules named as TF 1.15's were.

`attention_wrapper` (the Luong and Bahdanau mechanisms, their monotonic forms,
`AttentionWrapper`), `decoder` (`Decoder`, `dynamic_decode`), `basic_decoder`, `helper` (training,
greedy, sampling, scheduled, inference and custom helpers), `beam_search_decoder` (with
`tile_batch`), `beam_search_ops` (`gather_tree`, rebuilt from core ops: TensorFlow 2.21 has no
such kernel) and `loss`; also `gather_tree_from_array` and `SequenceLoss`, which TF 1.15 kept
in those modules only.  Names TF 1.15 listed but never defined (`monotonic_probability_fn`)
stay an AttributeError, as there.  Of the Keras-layer forms TF 1.15 kept in those modules
without exporting them, `decoder.BaseDecoder` and `beam_search_decoder.BeamSearchDecoderV2` are
there too; the `*V2` attention mechanisms, `BasicDecoderV2` and the `sampler` module are not.
"""
import types as _types

from tf1_graphs.contrib.seq2seq import (  # noqa: F401  (TF 1.15's module names)
    attention_wrapper, basic_decoder, beam_search_decoder, beam_search_ops, decoder, helper, loss)
from tf1_graphs.contrib.seq2seq.attention_wrapper import (  # noqa: F401
    AttentionMechanism, AttentionWrapper, AttentionWrapperState, BahdanauAttention, BahdanauMonotonicAttention,
    LuongAttention, LuongMonotonicAttention, hardmax, monotonic_attention, safe_cumprod)
from tf1_graphs.contrib.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput  # noqa: F401
from tf1_graphs.contrib.seq2seq.beam_search_decoder import (  # noqa: F401
    BeamSearchDecoder, BeamSearchDecoderOutput, BeamSearchDecoderState, FinalBeamSearchDecoderOutput,
    gather_tree_from_array, tile_batch)
from tf1_graphs.contrib.seq2seq.beam_search_ops import gather_tree  # noqa: F401
from tf1_graphs.contrib.seq2seq.decoder import Decoder, dynamic_decode  # noqa: F401
from tf1_graphs.contrib.seq2seq.helper import (  # noqa: F401
    CustomHelper, GreedyEmbeddingHelper, Helper, InferenceHelper, SampleEmbeddingHelper,
    ScheduledEmbeddingTrainingHelper, ScheduledOutputTrainingHelper, TrainingHelper)
from tf1_graphs.contrib.seq2seq.loss import SequenceLoss, sequence_loss  # noqa: F401

# Programs that subclass TF 1.15's mechanisms import its modules by their full path
# (`from tensorflow.contrib.seq2seq.python.ops.attention_wrapper import _BaseAttentionMechanism`).
python = _types.ModuleType("tf.contrib.seq2seq.python", "TF 1.15's path to the seq2seq modules.")
python.ops = _types.ModuleType("tf.contrib.seq2seq.python.ops", "The seq2seq modules, under TF 1.15's path.")
for _module in (attention_wrapper, basic_decoder, beam_search_decoder, beam_search_ops, decoder, helper, loss):
    setattr(python.ops, _module.__name__.rsplit(".", 1)[1], _module)

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__, known=())  # every TF 1.15 name is here: any other is a typo's AttributeError
